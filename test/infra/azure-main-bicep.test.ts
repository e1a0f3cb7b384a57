import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { SETTINGS } from '../../shared/core/settings.ts';
import { ruleFailureLine } from '../../shared/pipeline/pipeline-options.ts';
import { RULE_FAILURE_LOG_FIELD } from '../../shared/runtime/metric-names.ts';
import { RuleEvaluationError } from '../../shared/transforms/detection/rule-set.ts';
import { ruleOf } from '../detection/detection-builders.ts';
import {
  AZURE_INFRA,
  outputValue,
  parameter,
  parameters,
  parseBicepFile,
  property,
  propertyAt,
  propertyKeys,
  resource,
  resources,
  stringValue,
  variableValue,
} from './helpers/bicep.ts';

/** Settings the Functions host itself reads (identity-based host storage, Application Insights with Entra ID). */
const HOST_SETTINGS = ['AzureWebJobsStorage__accountName', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'];

/** Identity-based Event Hubs connection: the trigger's `connection` prefix plus the namespace host name. */
const EVENT_HUB_CONNECTION_SETTING = `${SETTINGS.eventHubConnection}__fullyQualifiedNamespace`;

/**
 * How the Azure deployment treats each setting the code reads that main.bicep does not always set.
 * A setting added to shared/core/settings.ts fails a test below until it is classified here.
 */
const NOT_ALWAYS_SET_ON_AZURE: Record<string, string> = {
  policy: 'set only when the auditPolicy parameter is not empty',
  eventHubConnection: `a connection prefix: set as ${EVENT_HUB_CONNECTION_SETTING}`,
  redaction: 'on unless set: the secure default',
  redactionPaths: 'set only when the redactionPaths parameter is not empty',
  redactionExtras: 'set only when the redactionExtras parameter is not empty',
  eventHubConnectionString: '`kaudit backfill aks` only; the function uses its managed identity',
  webhookTokens: 'never on Azure: the webhook reads its tokens from Key Vault, at the URI in KAUDIT_WEBHOOK_TOKENS_SECRET',
  webhookMaxBodyBytes: 'the webhook default suits the function',
  awsRegion: 'AWS only',
  awsDefaultRegion: 'AWS only',
  storeMaxAttempts: 'the store default suits the function',
  storeTimeoutMs: 'the store default suits the function',
  awsEndpointUrlS3: 'S3 stores only',
  awsEndpointUrl: 'S3 stores only',
  s3ForcePathStyle: 'S3 stores only',
  s3SseKmsKeyId: 'S3 stores only',
  s3ConditionalWrites: 'S3 stores only',
  azureStorageConnectionString: 'local use and emulators: the function uses its managed identity',
  identityEndpoint: 'set by the Functions host when the app has a managed identity (main.bicep gives it one)',
  identityHeader: 'set by the Functions host beside IDENTITY_ENDPOINT',
  identityServerThumbprint: 'Service Fabric only',
  azureClientId: 'user-assigned identities only: main.bicep gives the app a system-assigned one',
  cacheDir: 'the commands that read the lake only (`query`, `search`, `detect`, `ui`)',
  flushSeconds: '`kaudit tail` and `kaudit ingest` of a pipe only',
  compactGrace: 'the compaction job and `kaudit compact`, with a default that suits both',
  detectWindow: 'the analytics job, with a default that matches its hourly schedule',
  maxDecodedBytes: 'the default sits far above an Event Hubs message (1 MB) and the webhook body limit',
  maxEventBytes: 'the default sits above the 1 MB of an Event Hubs message and the truncating webhook backend',
  maxRecordsPerBatch: 'the default sits above what an Event Hubs batch or a webhook EventList holds',
  rules: 'set only when the rules parameter is not empty',
  approvedNetworks: 'set only when the approvedNetworks parameter is not empty',
  disabledRules: 'set only when the disabledRules parameter is not empty',
  alertLevel: 'set with the rules',
  alertEventBus: 'AWS only',
  alertEventGridEndpoint: 'set with the rules: the alerts topic exists only then',
};

const ROLE_DEFINITIONS = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7',
};

const BLOB_DATA_ACTIONS = {
  read: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
  write: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
  add: 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
};

describe('main.bicep', () => {
  let main: Node;
  beforeAll(async () => {
    main = await parseBicepFile('main.bicep');
  });

  /** The value text of the `roles` variable entry a role assignment refers to. */
  function roleOf(symbol: string): string | undefined {
    const reference = propertyAt(resource(main, symbol).body, 'properties.roleDefinitionId')?.text.match(/roles\.(\w+)/)?.[1];
    return reference && ROLE_DEFINITIONS[reference as keyof typeof ROLE_DEFINITIONS];
  }

  function appSettingNames(): string[] {
    return propertyKeys(property(resource(main, 'appSettings').body, 'properties'));
  }

  /** The settings an app-settings `condition ? {…} : {…}` adds when its condition holds, and when it does not. */
  function conditionalSettings(condition: string): { whenTrue: Node | undefined; whenFalse: Node | undefined } {
    const ternary = property(resource(main, 'appSettings').body, 'properties')
      ?.descendantsOfType('ternary_expression')
      .find((candidate) => candidate.childForFieldName('condition')?.text === condition);
    return { whenTrue: ternary?.childForFieldName('consequence') ?? undefined, whenFalse: ternary?.childForFieldName('alternative') ?? undefined };
  }

  describe('resources', () => {
    it('declares every resource kaudit needs, each with a pinned API version', () => {
      // Act
      const types = resources(main).map((declared) => declared.type);

      // Assess
      expect(new Set(types)).toEqual(
        new Set([
          'Microsoft.EventHub/namespaces@2024-01-01',
          'Microsoft.EventHub/namespaces/eventhubs@2024-01-01',
          'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01',
          'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01',
          'Microsoft.Storage/storageAccounts@2023-05-01',
          'Microsoft.Storage/storageAccounts/blobServices@2023-05-01',
          'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01',
          'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01',
          'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01',
          'Microsoft.OperationalInsights/workspaces@2023-09-01',
          'Microsoft.Insights/components@2020-02-02',
          'Microsoft.Web/serverfarms@2024-04-01',
          'Microsoft.Web/sites@2024-04-01',
          'Microsoft.Web/sites/config@2024-04-01',
          'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01',
          'Microsoft.Network/virtualNetworks@2024-05-01',
          'Microsoft.Authorization/roleDefinitions@2022-04-01',
          'Microsoft.Authorization/roleAssignments@2022-04-01',
          'Microsoft.KeyVault/vaults@2023-07-01',
          'Microsoft.KeyVault/vaults/secrets@2023-07-01',
          'Microsoft.EventGrid/topics@2025-02-15',
          'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview',
        ]),
      );
    });

    it('hosts the function on Flex Consumption, Node 22, with a system-assigned identity', () => {
      // Prepare
      const plan = resource(main, 'plan').body;
      const site = resource(main, 'functionApp').body;

      // Assess
      expect(stringValue(propertyAt(plan, 'sku.name'))).toBe('FC1');
      expect(stringValue(propertyAt(plan, 'sku.tier'))).toBe('FlexConsumption');
      expect(stringValue(propertyAt(site, 'identity.type'))).toBe('SystemAssigned');
      expect(stringValue(propertyAt(site, 'properties.functionAppConfig.runtime.name'))).toBe('node');
      expect(stringValue(propertyAt(site, 'properties.functionAppConfig.runtime.version'))).toBe('22');
      expect(propertyAt(site, 'properties.httpsOnly')?.text).toBe('true');
    });

    it('deploys the package from blob storage with the app’s own identity, not a key', () => {
      // Act
      const storage = propertyAt(resource(main, 'functionApp').body, 'properties.functionAppConfig.deployment.storage');

      // Assess
      expect(stringValue(property(storage, 'type'))).toBe('blobContainer');
      expect(stringValue(propertyAt(storage, 'authentication.type'))).toBe('SystemAssignedIdentity');
    });

    it('turns off basic publishing credentials for FTP and SCM', () => {
      // Act
      const credentials = resource(main, 'publishingCredentials');

      // Assess
      expect(credentials.body?.parent?.text).toContain("for name in ['ftp', 'scm']");
      expect(propertyAt(credentials.body, 'properties.allow')?.text).toBe('false');
    });

    it('keeps both storage accounts key-less, private and TLS 1.2 only, each with its own network rules', () => {
      // Prepare
      const shared = variableValue(main, 'privateStorageProperties');

      // Assess
      expect(property(shared, 'allowSharedKeyAccess')?.text).toBe('false');
      expect(property(shared, 'allowBlobPublicAccess')?.text).toBe('false');
      expect(stringValue(property(shared, 'minimumTlsVersion'))).toBe('TLS1_2');
      expect(propertyAt(shared, 'encryption.requireInfrastructureEncryption')?.text).toBe('true');
      expect(property(shared, 'networkAcls')).toBeUndefined();
      expect(property(resource(main, 'lakeStorage').body, 'properties')?.text).toBe('union(privateStorageProperties, { networkAcls: lakeNetworkAcls })');
      expect(property(resource(main, 'hostStorage').body, 'properties')?.text).toBe('union(privateStorageProperties, { networkAcls: hostNetworkAcls })');
    });

    it('denies the lake account to every network but the function’s subnet and the allowed subnets and addresses (none by default)', () => {
      // Prepare
      const acls = variableValue(main, 'lakeNetworkAcls');
      const ipRules = property(acls, 'ipRules');
      const subnetRules = property(acls, 'virtualNetworkRules');

      // Assess
      expect(stringValue(property(acls, 'defaultAction'))).toBe('Deny');
      expect(ipRules?.type).toBe('for_statement');
      expect(ipRules?.text).toBe("[for range in lakeAllowedIpRanges: { value: range, action: 'Allow' }]");
      expect(subnetRules?.text).toBe("[for subnetId in concat([integrationSubnetId], lakeAllowedSubnetIds): { id: subnetId, action: 'Allow' }]");
      expect(parameter(main, 'lakeAllowedIpRanges').defaultValue).toBe('[]');
      expect(parameter(main, 'lakeAllowedSubnetIds').defaultValue).toBe('[]');
    });

    it('lets trusted Azure services (which still need a data role) past the lake’s network rules, and nothing past the host account’s', () => {
      // Assess
      expect(stringValue(property(variableValue(main, 'lakeNetworkAcls'), 'bypass'))).toBe('AzureServices');
      expect(stringValue(property(variableValue(main, 'hostNetworkAcls'), 'bypass'))).toBe('None');
    });

    it('denies the host account to every network but the function’s subnet', () => {
      // Prepare
      const acls = variableValue(main, 'hostNetworkAcls');

      // Assess
      expect(stringValue(property(acls, 'defaultAction'))).toBe('Deny');
      expect(property(acls, 'ipRules')?.text).toBe('[]');
      expect(property(acls, 'virtualNetworkRules')?.text).toBe("[{ id: integrationSubnetId, action: 'Allow' }]");
    });

    it('sends the function’s traffic through a subnet delegated to Flex Consumption, with the storage service endpoint the network rules admit', () => {
      // Prepare
      const subnets = propertyAt(resource(main, 'network').body, 'properties.subnets');
      const subnet = subnets?.namedChildren[0];

      // Assess
      expect(subnets?.namedChildren).toHaveLength(1);
      expect(property(subnet, 'name')?.text).toBe('integrationSubnetName');
      expect(propertyAt(subnet, 'properties.addressPrefix')?.text).toBe('integrationSubnetPrefix');
      expect(propertyAt(subnet, 'properties.delegations')?.namedChildren.map((delegation) => stringValue(propertyAt(delegation, 'properties.serviceName')))).toEqual([
        'Microsoft.App/environments',
      ]);
      expect(propertyAt(subnet, 'properties.serviceEndpoints')?.namedChildren.map((endpoint) => stringValue(property(endpoint, 'service')))).toEqual(['Microsoft.Storage']);
      expect(main.text).toContain("var integrationSubnetId = '${network.id}/subnets/${integrationSubnetName}'");
      expect(propertyAt(resource(main, 'functionApp').body, 'properties.virtualNetworkSubnetId')?.text).toBe('integrationSubnetId');
    });

    it('creates the lake and dead-letter containers, private', () => {
      // Act
      const containers = resource(main, 'lakeContainers');

      // Assess
      expect(containers.body?.parent?.text).toContain('for name in lakeContainerNames');
      expect(main.text).toContain('var lakeContainerNames = [lakeContainerName, deadLetterContainerName]');
      expect(stringValue(propertyAt(containers.body, 'properties.publicAccess'))).toBe('None');
    });

    it('puts the lake container under a time-based WORM policy by default (365 days; 0 turns it off)', () => {
      // Prepare
      const policy = resource(main, 'lakeImmutability');

      // Assess
      expect(policy.body?.parent?.type).toBe('if_statement');
      expect(policy.body?.parent?.text).toMatch(/^if \(lakeImmutabilityDays > 0\)/);
      expect(property(policy.body, 'parent')?.text).toBe('lakeContainers[0]');
      expect(propertyAt(policy.body, 'properties.immutabilityPeriodSinceCreationInDays')?.text).toBe('lakeImmutabilityDays');
      expect(propertyAt(policy.body, 'properties.allowProtectedAppendWrites')?.text).toBe('false');
      expect(parameter(main, 'lakeImmutabilityDays').defaultValue).toBe('365');
    });

    it('deletes dead letters lifecycle-wise after deadLetterRetentionDays (default 7), and never deletes lake blobs', () => {
      // Prepare
      const rules = propertyAt(resource(main, 'lakeLifecycle').body, 'properties.policy.rules')?.namedChildren ?? [];
      const byPrefix = new Map(rules.map((rule) => [propertyAt(rule, 'definition.filters.prefixMatch')?.namedChildren.map(stringValue).join(), rule]));

      // Act
      const deadLetterActions = propertyAt(byPrefix.get('${deadLetterContainerName}/'), 'definition.actions.baseBlob');
      const lakeActions = propertyAt(byPrefix.get('${lakeContainerName}/'), 'definition.actions.baseBlob');

      // Assess
      expect(propertyAt(deadLetterActions, 'delete.daysAfterModificationGreaterThan')?.text).toBe('deadLetterRetentionDays');
      expect(parameter(main, 'deadLetterRetentionDays').defaultValue).toBe('7');
      expect(propertyKeys(lakeActions)).toEqual(['tierToCool', 'daysAfterModificationGreaterThan']);
      expect(rules).toHaveLength(2);
    });

    it('accepts telemetry from Entra ID identities only', () => {
      // Assess
      expect(propertyAt(resource(main, 'appInsights').body, 'properties.DisableLocalAuth')?.text).toBe('true');
      expect(appSettingNames()).toContain('APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
    });
  });

  describe('app settings', () => {
    it('are settings the code reads, the identity-based Event Hubs connection, or the host’s own', () => {
      // Act
      const unknown = appSettingNames().filter(
        (name) => !(Object.values(SETTINGS) as string[]).includes(name) && name !== EVENT_HUB_CONNECTION_SETTING && !HOST_SETTINGS.includes(name),
      );

      // Assess
      expect(unknown).toEqual([]);
    });

    it('give the Event Hubs trigger its connection, hub and consumer group', () => {
      // Assess
      expect(appSettingNames()).toEqual(expect.arrayContaining([EVENT_HUB_CONNECTION_SETTING, SETTINGS.eventHubName, SETTINGS.eventHubConsumerGroup]));
    });

    it('give the function its lake, dead-letter store and region label', () => {
      // Assess
      expect(appSettingNames()).toEqual(expect.arrayContaining([SETTINGS.storeUrl, SETTINGS.deadLetterUrl, SETTINGS.region]));
      expect(main.text).toContain("var storeUrl = '${lakeStorage.properties.primaryEndpoints.blob}${lakeContainerName}'");
      expect(main.text).toContain("var deadLetterUrl = '${lakeStorage.properties.primaryEndpoints.blob}${deadLetterContainerName}'");
    });

    it('set the audit policy only when one is given', () => {
      // Act
      const { whenTrue, whenFalse } = conditionalSettings('empty(auditPolicy)');

      // Assess
      expect(propertyKeys(whenTrue)).toEqual([]);
      expect(propertyKeys(whenFalse)).toEqual([SETTINGS.policy]);
      expect(property(whenFalse, SETTINGS.policy)?.text).toBe('auditPolicy');
    });

    it('set the extra redaction paths only when they are given', () => {
      // Act
      const { whenTrue, whenFalse } = conditionalSettings('empty(redactionPaths)');

      // Assess
      expect(propertyKeys(whenTrue)).toEqual([]);
      expect(propertyKeys(whenFalse)).toEqual([SETTINGS.redactionPaths]);
      expect(property(whenFalse, SETTINGS.redactionPaths)?.text).toBe('redactionPaths');
    });

    it('set the redaction extras only when they are given', () => {
      // Act
      const { whenTrue, whenFalse } = conditionalSettings('empty(redactionExtras)');

      // Assess
      expect(propertyKeys(whenTrue)).toEqual([]);
      expect(propertyKeys(whenFalse)).toEqual([SETTINGS.redactionExtras]);
      expect(property(whenFalse, SETTINGS.redactionExtras)?.text).toBe('redactionExtras');
    });

    it('set the rules, and send findings to the alerts topic at the alert level, only when rules are given', () => {
      // Act
      const { whenTrue, whenFalse } = conditionalSettings('detectionsEnabled');

      // Assess
      expect(main.text).toContain('var detectionsEnabled = !empty(rules)');
      expect(propertyKeys(whenTrue)).toEqual([SETTINGS.rules, SETTINGS.alertEventGridEndpoint, SETTINGS.alertLevel]);
      expect(property(whenTrue, SETTINGS.alertEventGridEndpoint)?.text).toBe('alertsTopic.properties.endpoint');
      expect(propertyKeys(whenFalse)).toEqual([]);
    });

    it('give the webhook the URI of its tokens secret (no version) only when a vault is given, for it to read at cold start', () => {
      // Act
      const { whenTrue } = conditionalSettings('webhookEnabled');

      // Assess
      expect(main.text).toContain('var webhookEnabled = !empty(webhookTokensKeyVaultName)');
      expect(propertyKeys(whenTrue)).toEqual([SETTINGS.webhookTokensSecret]);
      expect(property(whenTrue, SETTINGS.webhookTokensSecret)?.text).toBe('webhookTokensSecretUri');
      expect(stringValue(variableValue(main, 'webhookTokensSecretUri'))).toBe(
        'https://${webhookTokensKeyVaultName}${environment().suffixes.keyvaultDns}/secrets/${webhookTokensSecretName}',
      );
    });

    it('never hold the webhook tokens or a Key Vault reference to them', () => {
      // Assess
      expect(appSettingNames()).not.toContain(SETTINGS.webhookTokens);
      expect(main.text).not.toContain('@Microsoft.KeyVault(');
    });

    it('are written only once the function may read the webhook tokens secret', () => {
      // Act
      const dependsOn = property(resource(main, 'appSettings').body, 'dependsOn');

      // Assess
      expect(dependsOn?.namedChildren.map((dependency) => dependency.text)).toEqual(['webhookTokensReader']);
    });

    it('set every setting the code reads, or the setting is classified as not always needed on Azure', () => {
      // Act
      const names = appSettingNames();
      const unaccounted = Object.entries(SETTINGS).filter(([key, name]) => !names.includes(name) && !(key in NOT_ALWAYS_SET_ON_AZURE));

      // Assess
      expect(unaccounted).toEqual([]);
    });
  });

  describe('role assignments of the function’s identity', () => {
    it('let it receive from the event hub only', () => {
      // Assess
      expect(roleOf('eventHubReceiver')).toBe(ROLE_DEFINITIONS.eventHubsDataReceiver);
      expect(property(resource(main, 'eventHubReceiver').body, 'scope')?.text).toBe('eventHub');
    });

    it('let it create, read and list blobs in the lake and dead-letter containers, not the whole account', () => {
      // Prepare
      const writer = resource(main, 'lakeWriter').body;

      // Assess
      expect(propertyAt(writer, 'properties.roleDefinitionId')?.text).toBe('blobAppenderRole.id');
      expect(property(writer, 'scope')?.text).toBe('lakeContainers[index]');
    });

    it('grant blobs read, write and add through a custom role of this resource group, without delete, move or any control-plane action', () => {
      // Prepare
      const role = resource(main, 'blobAppenderRole').body;
      const [permissions, ...others] = propertyAt(role, 'properties.permissions')?.namedChildren ?? [];

      // Assess
      expect(others).toEqual([]);
      expect(property(permissions, 'dataActions')?.namedChildren.map(stringValue)).toEqual([BLOB_DATA_ACTIONS.read, BLOB_DATA_ACTIONS.write, BLOB_DATA_ACTIONS.add]);
      for (const list of ['actions', 'notActions', 'notDataActions']) expect(property(permissions, list)?.text).toBe('[]');
      expect(stringValue(propertyAt(role, 'properties.type'))).toBe('CustomRole');
      expect(propertyAt(role, 'properties.assignableScopes')?.text).toBe('[resourceGroup().id]');
      expect(main.text).not.toContain('ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    });

    it('give the host Blob Data Owner on its own storage account, which holds checkpoints and leases', () => {
      // Assess
      expect(roleOf('hostStorageOwner')).toBe(ROLE_DEFINITIONS.storageBlobDataOwner);
      expect(property(resource(main, 'hostStorageOwner').body, 'scope')?.text).toBe('hostStorage');
    });

    it('let it publish telemetry to Application Insights', () => {
      // Assess
      expect(roleOf('telemetryPublisher')).toBe(ROLE_DEFINITIONS.monitoringMetricsPublisher);
      expect(property(resource(main, 'telemetryPublisher').body, 'scope')?.text).toBe('appInsights');
    });

    it('let it read the webhook tokens secret, not the vault, and only when the webhook is configured', () => {
      // Prepare
      const reader = resource(main, 'webhookTokensReader');

      // Assess
      expect(roleOf('webhookTokensReader')).toBe(ROLE_DEFINITIONS.keyVaultSecretsUser);
      expect(property(reader.body, 'scope')?.text).toBe('webhookTokensSecret');
      expect(reader.body?.parent?.text).toMatch(/^if \(webhookEnabled\)/);
      expect(resource(main, 'webhookTokensSecret').existing).toBe(true);
    });

    it('let it send findings to the alerts topic only, and only when rules are given', () => {
      // Prepare
      const sender = resource(main, 'alertsSender');

      // Assess
      expect(roleOf('alertsSender')).toBe(ROLE_DEFINITIONS.eventGridDataSender);
      expect(property(sender.body, 'scope')?.text).toBe('alertsTopic');
      expect(sender.body?.parent?.text).toMatch(/^if \(detectionsEnabled\)/);
    });

    it('are all granted to the function app’s system-assigned identity as a service principal', () => {
      // Act
      const assignments = resources(main).filter((declared) => declared.type.startsWith('Microsoft.Authorization/roleAssignments@'));

      // Assess
      expect(assignments).toHaveLength(6);
      for (const assignment of assignments) {
        expect(propertyAt(assignment.body, 'properties.principalId')?.text).toBe('functionApp.identity.principalId');
        expect(stringValue(propertyAt(assignment.body, 'properties.principalType'))).toBe('ServicePrincipal');
      }
    });
  });

  describe('Event Hubs', () => {
    it('gives Azure Monitor a namespace rule with the Manage, Send and Listen rights streaming requires', () => {
      // Act
      const rights = propertyAt(resource(main, 'diagnosticsRule').body, 'properties.rights');

      // Assess
      expect(rights?.namedChildren.map((right) => stringValue(right))).toEqual(['Manage', 'Send', 'Listen']);
    });

    it('refuses TLS below 1.2', () => {
      // Assess
      expect(stringValue(propertyAt(resource(main, 'eventHubNamespace').body, 'properties.minimumTlsVersion'))).toBe('1.2');
    });
  });

  describe('outputs', () => {
    it('give the webhook URL under the app’s /api/ route only when the webhook is configured', () => {
      // Act
      const url = outputValue(main, 'webhookUrl');

      // Assess
      expect(url.type).toBe('ternary_expression');
      expect(url.childForFieldName('condition')?.text).toBe('webhookEnabled');
      expect(stringValue(url.childForFieldName('consequence'))).toBe('https://${functionApp.properties.defaultHostName}/api/audit');
      expect(stringValue(url.childForFieldName('alternative'))).toBe('');
    });
  });

  describe('the scheduled lake jobs', () => {
    /** The Log Analytics query of a scheduled query rule, as written in the template (quotes escaped). */
    const queryOf = (symbol: string): string | undefined =>
      resource(main, symbol)
        .body?.descendantsOfType('object_property')
        .find((node) => node.namedChildren[0]?.text === 'query')?.namedChildren[1]?.text;

    it('schedule the timer functions through app settings from parameters, hourly by default', () => {
      // Act
      const settings = property(resource(main, 'appSettings').body, 'properties');

      // Assess
      expect(propertyAt(settings?.descendantsOfType('object')[0] ?? undefined, SETTINGS.compactionSchedule)?.text).toBe('compactionSchedule');
      expect(propertyAt(settings?.descendantsOfType('object')[0] ?? undefined, SETTINGS.analyticsSchedule)?.text).toBe('analyticsSchedule');
      expect(parameter(main, 'compactionSchedule').defaultValue).toBe("'0 5 * * * *'");
      expect(parameter(main, 'analyticsSchedule').defaultValue).toBe("'0 20 * * * *'");
    });

    it('alert on any failed run of either job, from the app’s request telemetry', () => {
      // Act
      const alert = resource(main, 'jobFailuresAlert').body;

      // Assess
      expect(propertyAt(alert, 'properties.scopes')?.text).toBe('[appInsights.id]');
      expect(queryOf('jobFailuresAlert')).toBe("'requests | where name in (\\'kaudit-lake-compaction\\', \\'kaudit-lake-analytics\\') and success == false'");
      expect(propertyAt(alert, 'properties.actions')?.text).toBe('jobAlertActions');
    });

    it('alert on any detection rule failing on an event, from the line the function logs through its invocation', () => {
      // Prepare
      const failure = new RuleEvaluationError(ruleOf({ selection: { verb: 'create' }, condition: 'selection' }), 'event-1', new TypeError('unreadable'));

      // Act
      const alert = resource(main, 'ruleFailuresAlert').body;

      // Assess
      expect(queryOf('ruleFailuresAlert')).toBe(`'traces | where message has \\'${RULE_FAILURE_LOG_FIELD}\\''`);
      expect(JSON.parse(ruleFailureLine(failure))).toMatchObject({ [RULE_FAILURE_LOG_FIELD]: 1 });
      expect(propertyAt(alert, 'properties.actions')?.text).toBe('jobAlertActions');
    });

    it('alert when compaction leaves more closed hours than compactionBacklogHours to the next run', () => {
      // Act
      const query = queryOf('compactionBehindAlert');

      // Assess
      expect(query).toContain('kaudit lake compacted');
      expect(query).toContain('parse_json(message).pendingHours');
      expect(query).toContain('where pendingHours > ${compactionBacklogHours}');
      expect(parameter(main, 'compactionBacklogHours').defaultValue).toBe('3');
    });
  });

  describe('parameters', () => {
    it('take the audit policy and the redaction paths as documents, none by default', () => {
      // Assess
      for (const name of ['auditPolicy', 'redactionPaths', 'redactionExtras']) expect(parameter(main, name).defaultValue).toBe("''");
    });

    it('let the clusters send kube-audit-admin (default) or kube-audit, nothing else', () => {
      // Act
      const category = parameter(main, 'auditCategory');

      // Assess
      expect(category.allowed).toEqual(['kube-audit-admin', 'kube-audit']);
      expect(category.defaultValue).toBe("'kube-audit-admin'");
    });

    it('accept every parameter of the example parameters file', () => {
      // Prepare
      const example = JSON.parse(readFileSync(join(AZURE_INFRA, 'main.parameters.example.json'), 'utf8')) as { parameters: Record<string, unknown> };

      // Act
      const declared = parameters(main).map((declaredParameter) => declaredParameter.name);

      // Assess
      expect(Object.keys(example.parameters).filter((name) => !declared.includes(name))).toEqual([]);
    });
  });
});
