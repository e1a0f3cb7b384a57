// kaudit on Azure: AKS diagnostic settings -> Event Hubs -> Azure Functions (Flex Consumption) -> Blob lake.
// Deploy into a resource group in the region of the AKS clusters: diagnostic settings stream only
// to an Event Hubs namespace in the monitored resource's own region.

@description('Region of every resource; also the region recorded on AKS events unless regionLabel says otherwise.')
param location string = resourceGroup().location

@description('Prefix of every resource name: lower-case letters and digits.')
@minLength(3)
@maxLength(10)
param namePrefix string = 'kaudit'

@description('Region recorded on AKS events (KAUDIT_REGION): AKS audit records do not carry one.')
param regionLabel string = location

@description('Event hub the AKS clusters stream their audit logs to.')
param eventHubName string = 'aks-audit'

@description('Consumer group the function reads with; keep it to kaudit alone.')
param consumerGroupName string = 'kaudit'

@description('Partitions of the event hub: the most function instances that read it in parallel.')
@minValue(1)
@maxValue(32)
param partitionCount int = 4

@description('How long Event Hubs keeps audit records (Standard tier: at most 7 days): the window for replay and backfill.')
@minValue(1)
@maxValue(168)
param messageRetentionHours int = 168

@description('Throughput units Event Hubs may grow to under load (auto-inflate).')
@minValue(1)
@maxValue(40)
param maximumThroughputUnits int = 4

@description('Redundancy of the lake storage account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS'])
param lakeSkuName string = 'Standard_ZRS'

@description('Days every lake blob stays immutable (time-based retention, WORM: no change, no delete, by anyone); 0: no policy. The policy is created unlocked, so it can still be changed or removed: lock it to make it irrevocable (docs/deploy.md).')
@minValue(0)
@maxValue(146000)
param lakeImmutabilityDays int = 365

@description('Days a dead-letter blob is kept before lifecycle management deletes it: dead letters are a replay buffer, not an archive.')
@minValue(1)
@maxValue(365)
param deadLetterRetentionDays int = 7

@description('Public IPv4 addresses or CIDR ranges (no private ranges) allowed to reach the lake storage account, e.g. the workstations that run kaudit query; every other network is denied.')
param lakeAllowedIpRanges string[] = []

@description('Resource ids of further subnets allowed to reach the lake storage account (each with the Microsoft.Storage service endpoint), e.g. where readers run inside Azure.')
param lakeAllowedSubnetIds string[] = []

@description('Address range of the virtual network the function app reaches both storage accounts through; one subnet fills it. The app takes addresses from it as it scales out (keep it well above maximumInstanceCount), and it must not overlap a network it is peered with.')
param integrationSubnetPrefix string = '10.90.0.0/24'

@description('Move lake blobs to the Cool tier this many days after they were written.')
@minValue(1)
param lakeCoolAfterDays int = 90

@description('Days a deleted lake blob or container can still be restored.')
@minValue(1)
@maxValue(365)
param lakeSoftDeleteDays int = 30

@description('The audit Policy applied at ingestion (KAUDIT_POLICY): the YAML or JSON document itself; empty: none.')
param auditPolicy string = ''

@description('More fields to redact per resource (KAUDIT_REDACTION_PATHS): the YAML or JSON document itself; empty: the built-in redactions only.')
param redactionPaths string = ''

@description('Redaction extras (KAUDIT_REDACTION_EXTRAS, docs/redaction.md): names to switch on, -name to switch a default off, e.g. configmap-passwords,-query-params; empty: the defaults.')
param redactionExtras string = ''

@description('Detection rules evaluated at ingestion (KAUDIT_RULES, docs/detections.md): built-in for the pack, or the rules themselves (YAML documents separated by ---, or a JSON list that may hold built-in); check them with kaudit rules check first. Empty: none, and no alerts topic.')
param rules string = ''

@description('Each cluster\'s approved networks for the pack\'s approved-networks rule (KAUDIT_APPROVED_NETWORKS), JSON {"<cluster>": ["10.0.0.0/16"]}; empty: none.')
param approvedNetworks string = ''

@description('Built-in rule ids not to evaluate (KAUDIT_DISABLED_RULES), comma-separated.')
param disabledRules string = ''

@description('Findings at or above this level are sent to the alerts Event Grid topic (KAUDIT_ALERT_LEVEL).')
@allowed(['informational', 'low', 'medium', 'high', 'critical'])
param alertLevel string = 'high'

@description('Key Vault (RBAC authorization, in this resource group) holding the audit webhook receiver\'s bearer tokens; empty: the webhook function has no tokens and accepts no cluster.')
param webhookTokensKeyVaultName string = ''

@description('Secret in that vault holding the tokens JSON: {"<token>": {"cluster_name": "...", "cluster_id": "..."}}.')
param webhookTokensSecretName string = 'kaudit-webhook-tokens'

@description('Most instances the function app scales out to; integrationSubnetPrefix must have room for them.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each function instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps the function logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

@description('When the lake compaction timer function runs (KAUDIT_COMPACTION_SCHEDULE): an NCRONTAB expression with seconds, UTC. The default: 5 minutes past each hour.')
param compactionSchedule string = '0 5 * * * *'

@description('When the lake analytics timer function runs (KAUDIT_ANALYTICS_SCHEDULE): rules and behaviour analytics over the hour before. The default: 20 minutes past each hour.')
param analyticsSchedule string = '0 20 * * * *'

@description('The compaction alert fires when a run leaves more closed hours than this for the next one: compaction is falling behind.')
@minValue(1)
param compactionBacklogHours int = 3

@description('Resource id of an Action Group the operational alerts notify (failed lake job runs, compaction falling behind, detection rules failing on events); empty: the alerts only fire in Azure Monitor.')
param jobAlertsActionGroupId string = ''

@description('AKS clusters to subscribe now; more can be added later with subscribe-cluster.bicep.')
param aksClusters aksCluster[] = []

@description('Audit category the clusters send: kube-audit-admin (writes only, the default) or kube-audit (reads too). Never both: they overlap.')
@allowed(['kube-audit-admin', 'kube-audit'])
param auditCategory string = 'kube-audit-admin'

@description('An existing AKS cluster to subscribe, in any resource group or subscription of the tenant.')
type aksCluster = {
  name: string
  resourceGroup: string
  @description('Defaults to the subscription of this deployment.')
  subscriptionId: string?
}

var suffix = uniqueString(resourceGroup().id, namePrefix)
var lakeContainerName = 'lake'
var deadLetterContainerName = 'deadletter'
var deploymentContainerName = 'app-package'
var integrationSubnetName = 'function-app'
var integrationSubnetId = '${network.id}/subnets/${integrationSubnetName}'
var diagnosticsRuleName = 'aks-diagnostics'
var webhookEnabled = !empty(webhookTokensKeyVaultName)
var detectionsEnabled = !empty(rules)
var webhookTokensSecretUri = 'https://${webhookTokensKeyVaultName}${environment().suffixes.keyvaultDns}/secrets/${webhookTokensSecretName}'
var storeUrl = '${lakeStorage.properties.primaryEndpoints.blob}${lakeContainerName}'
var deadLetterUrl = '${lakeStorage.properties.primaryEndpoints.blob}${deadLetterContainerName}'

// Built-in role definitions.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
}

// Both storage accounts: Entra ID only (no account keys), no public blobs, TLS 1.2, double encryption at rest.
// Public network access stays enabled only so that network rules can admit the allowed addresses:
// each account denies every network its own rules do not name.
var privateStorageProperties = {
  accessTier: 'Hot'
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  allowCrossTenantReplication: false
  defaultToOAuthAuthentication: true
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  publicNetworkAccess: 'Enabled'
  encryption: {
    keySource: 'Microsoft.Storage'
    requireInfrastructureEncryption: true
    services: {
      blob: {
        enabled: true
        keyType: 'Account'
      }
    }
  }
}

// The lake admits the function's subnet, the allowed readers, and trusted Azure services (Azure
// Data Explorer, Synapse), which still need a data role to read anything.
var lakeNetworkAcls = {
  defaultAction: 'Deny'
  bypass: 'AzureServices'
  ipRules: [for range in lakeAllowedIpRanges: { value: range, action: 'Allow' }]
  virtualNetworkRules: [for subnetId in concat([integrationSubnetId], lakeAllowedSubnetIds): { id: subnetId, action: 'Allow' }]
}

// The host account (checkpoints, leases, the code package) admits the function's subnet alone: the
// platform uploads a deployment package from inside the app's network, with the app's identity.
var hostNetworkAcls = {
  defaultAction: 'Deny'
  bypass: 'None'
  ipRules: []
  virtualNetworkRules: [{ id: integrationSubnetId, action: 'Allow' }]
}

// ---------------------------------------------------------------------------------------------
// Event Hubs: where AKS diagnostic settings stream audit records
// ---------------------------------------------------------------------------------------------

resource eventHubNamespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: '${namePrefix}-${suffix}'
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: 1
  }
  properties: {
    minimumTlsVersion: '1.2'
    // Diagnostic settings authenticate with a shared access rule, so local auth must stay on;
    // the function itself reads with its managed identity.
    disableLocalAuth: false
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: true
    maximumThroughputUnits: maximumThroughputUnits
  }
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: eventHubNamespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    retentionDescription: {
      cleanupPolicy: 'Delete'
      retentionTimeInHours: messageRetentionHours
    }
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: eventHub
  name: consumerGroupName
}

// Azure Monitor streams with a namespace rule holding Manage, Send and Listen; nothing else uses it.
resource diagnosticsRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: eventHubNamespace
  name: diagnosticsRuleName
  properties: {
    rights: ['Manage', 'Send', 'Listen']
  }
}

// ---------------------------------------------------------------------------------------------
// Lake storage: canonical events, quarantine and dead letters
// ---------------------------------------------------------------------------------------------

resource lakeStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('${namePrefix}lake${suffix}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: lakeSkuName
  }
  properties: union(privateStorageProperties, { networkAcls: lakeNetworkAcls })
}

resource lakeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: lakeStorage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: lakeSoftDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: lakeSoftDeleteDays
    }
  }
}

var lakeContainerNames = [lakeContainerName, deadLetterContainerName]

resource lakeContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for name in lakeContainerNames: {
    parent: lakeBlobs
    name: name
    properties: {
      publicAccess: 'None'
    }
  }
]

// Write once, read many: the store only ever creates blobs, so a WORM policy costs it nothing.
// Unlocked, so that the period can still be shortened or the policy removed until someone locks it.
resource lakeImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (lakeImmutabilityDays > 0) {
  parent: lakeContainers[0]
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: lakeImmutabilityDays
    allowProtectedAppendWrites: false
  }
}

resource lakeLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: lakeStorage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${deadLetterContainerName}/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: deadLetterRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'cool-lake-blobs'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${lakeContainerName}/']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: lakeCoolAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Function app: Flex Consumption, Node 22, system-assigned identity, no secrets
// ---------------------------------------------------------------------------------------------

// The Functions host's own storage (AzureWebJobsStorage: Event Hubs checkpoints, leases) and the
// deployment package. It is a separate account because the host needs Blob Data Owner on it.
resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('${namePrefix}host${suffix}', 24)
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: union(privateStorageProperties, { networkAcls: hostNetworkAcls })
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: hostStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: hostBlobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// The function app's outbound network: its traffic to both storage accounts leaves through this
// subnet's storage service endpoint, which is what their network rules admit. Flex Consumption
// integrates with a subnet delegated to Microsoft.App/environments (the provider must be registered).
resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet-${suffix}'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [integrationSubnetPrefix]
    }
    subnets: [
      {
        name: integrationSubnetName
        properties: {
          addressPrefix: integrationSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
          ]
        }
      }
    ]
  }
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-log-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-appi-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    // Telemetry is accepted from Entra ID identities only.
    DisableLocalAuth: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: '${namePrefix}-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    virtualNetworkSubnetId: integrationSubnetId
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostStorage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Exactly the settings functions/ reads (shared/core/settings.ts), plus the host's own.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(
    {
      AzureWebJobsStorage__accountName: hostStorage.name
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      KAUDIT_STORE_URL: storeUrl
      KAUDIT_DEADLETTER_URL: deadLetterUrl
      KAUDIT_REGION: regionLabel
      KAUDIT_EVENTHUB__fullyQualifiedNamespace: '${eventHubNamespace.name}.servicebus.windows.net'
      KAUDIT_EVENTHUB_NAME: eventHub.name
      KAUDIT_EVENTHUB_CONSUMER_GROUP: consumerGroup.name
      // Read by the Functions host (%KAUDIT_COMPACTION_SCHEDULE% in the timer triggers), not the code.
      KAUDIT_COMPACTION_SCHEDULE: compactionSchedule
      KAUDIT_ANALYTICS_SCHEDULE: analyticsSchedule
    },
    empty(auditPolicy) ? {} : { KAUDIT_POLICY: auditPolicy },
    empty(redactionPaths) ? {} : { KAUDIT_REDACTION_PATHS: redactionPaths },
    empty(redactionExtras) ? {} : { KAUDIT_REDACTION_EXTRAS: redactionExtras },
    // Rules are loaded at cold start: a rule that does not load stops the function, never an event.
    detectionsEnabled
      ? { KAUDIT_RULES: rules, KAUDIT_ALERT_EVENT_GRID_ENDPOINT: alertsTopic.properties.endpoint, KAUDIT_ALERT_LEVEL: alertLevel }
      : {},
    empty(approvedNetworks) ? {} : { KAUDIT_APPROVED_NETWORKS: approvedNetworks },
    empty(disabledRules) ? {} : { KAUDIT_DISABLED_RULES: disabledRules },
    // The secret's URI, no version: the webhook reads the current tokens from Key Vault with the
    // app's identity at each cold start. The tokens never sit in app settings or the template.
    webhookEnabled ? { KAUDIT_WEBHOOK_TOKENS_SECRET: webhookTokensSecretUri } : {}
  )
  // Settings trigger a restart: the function may read the secret from then on.
  dependsOn: [webhookTokensReader]
}

// Deployments use Entra ID (az functionapp deployment), never basic publishing credentials.
resource publishingCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = [
  for name in ['ftp', 'scm']: {
    parent: functionApp
    name: name
    properties: {
      allow: false
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Least-privilege role assignments of the function's identity
// ---------------------------------------------------------------------------------------------

// The host keeps checkpoints and leases in blobs and creates its containers: Blob Data Owner on
// the host account only.
resource hostStorageOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, functionApp.id, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// What the stores do and nothing more: create blobs (Put Blob with If-None-Match: *), read and list
// them. Storage Blob Data Contributor would add blob delete and move (a rename over another blob)
// and container management. Write stays beside add so that Put Blob on an existing name is answered
// 409 (already stored), not refused; in the lake the WORM policy forbids the overwrite itself.
resource blobAppenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, namePrefix, 'kaudit-blob-appender')
  properties: {
    roleName: '${namePrefix} blob appender ${suffix}'
    description: 'kaudit function: create, read and list blobs in its lake and dead-letter containers; no delete, no move, no container management.'
    type: 'CustomRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action'
        ]
        notDataActions: []
      }
    ]
  }
}

// Granted on the two containers, not on the account.
resource lakeWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, index) in lakeContainerNames: {
    name: guid(lakeContainers[index].id, functionApp.id, blobAppenderRole.id)
    scope: lakeContainers[index]
    properties: {
      roleDefinitionId: blobAppenderRole.id
      principalId: functionApp.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource eventHubReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventHub.id, functionApp.id, roles.eventHubsDataReceiver)
  scope: eventHub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventHubsDataReceiver)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionApp.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource webhookVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = if (webhookEnabled) {
  name: webhookTokensKeyVaultName
}

resource webhookTokensSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = if (webhookEnabled) {
  parent: webhookVault
  name: webhookTokensSecretName
}

// Reads that one secret, not the vault.
resource webhookTokensReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (webhookEnabled) {
  name: guid(webhookTokensSecret.id, functionApp.id, roles.keyVaultSecretsUser)
  scope: webhookTokensSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------------------------------------
// Clusters subscribed at deployment time
// ---------------------------------------------------------------------------------------------

module clusterSubscriptions 'subscribe-cluster.bicep' = [
  for cluster in aksClusters: {
    name: take('kaudit-subscribe-${cluster.resourceGroup}-${cluster.name}', 64)
    params: {
      clusterName: cluster.name
      clusterResourceGroup: cluster.resourceGroup
      clusterSubscriptionId: cluster.?subscriptionId ?? subscription().subscriptionId
      auditCategory: auditCategory
      eventHubNamespaceName: eventHubNamespace.name
      eventHubName: eventHub.name
      authorizationRuleName: diagnosticsRule.name
    }
    dependsOn: [diagnosticsRule]
  }
]

// ---------------------------------------------------------------------------------------------
// Alerts: findings at or above alertLevel, sent by the function as they are stored
// ---------------------------------------------------------------------------------------------

// Entra ID only (no access keys): the function sends with its managed identity; subscriptions
// (an Action Group, a Logic App, a SIEM) take the findings from here.
resource alertsTopic 'Microsoft.EventGrid/topics@2025-02-15' = if (detectionsEnabled) {
  name: '${namePrefix}-findings-${suffix}'
  location: location
  properties: {
    inputSchema: 'EventGridSchema'
    disableLocalAuth: true
    minimumTlsVersionAllowed: '1.2'
  }
}

resource alertsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (detectionsEnabled) {
  name: guid(resourceGroup().id, namePrefix, 'findings-sender')
  scope: alertsTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventGridDataSender)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------------------------------------
// Alerts on the scheduled lake jobs (compaction, analytics) and on failing rules, from the app's telemetry
// ---------------------------------------------------------------------------------------------

var jobAlertActions = empty(jobAlertsActionGroupId) ? {} : { actionGroups: [jobAlertsActionGroupId] }

// Any failed run of either job: a rule that does not load, the lake or the alerts topic failing.
resource jobFailuresAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-lake-jobs-failed-${suffix}'
  location: location
  properties: {
    description: 'kaudit: a scheduled lake job (compaction or analytics) failed; its trace names the reason. Compaction continues at the next run; an analytics hour can be run again with kaudit detect --analytics --save.'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'requests | where name in (\'kaudit-lake-compaction\', \'kaudit-lake-analytics\') and success == false'
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: jobAlertActions
  }
}

// A detection rule that throws on an event (the ingest function or the analytics job logs one
// line naming the rule, through the invocation); the event is stored and the other rules still ran.
resource ruleFailuresAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-rule-failures-${suffix}'
  location: location
  properties: {
    description: 'kaudit: a detection rule failed on an event; the trace names the rule (ruleId). The event was stored and the other rules ran; fix or disable the rule (KAUDIT_DISABLED_RULES).'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has \'ruleEvaluationFailed\''
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: jobAlertActions
  }
}

// Each compaction run logs the closed hours it left for the next (pendingHours).
resource compactionBehindAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-compaction-behind-${suffix}'
  location: location
  properties: {
    description: 'kaudit: compaction is falling behind: a run left more than ${compactionBacklogHours} closed hours for the next. Give the app more instance memory, or run kaudit compact once to catch up.'
    severity: 3
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT2H'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has \'kaudit lake compacted\' | extend pendingHours = toint(parse_json(message).pendingHours) | where pendingHours > ${compactionBacklogHours}'
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: jobAlertActions
  }
}

output functionAppName string = functionApp.name
output storeUrl string = storeUrl
output deadLetterUrl string = deadLetterUrl
output lakeStorageAccountName string = lakeStorage.name
output eventHubNamespaceName string = eventHubNamespace.name
output eventHubName string = eventHub.name
output diagnosticsAuthorizationRuleId string = diagnosticsRule.id

@description('The server of the kube-apiserver audit webhook kubeconfig (any path under /api/ is accepted); empty without webhook tokens.')
output webhookUrl string = webhookEnabled ? 'https://${functionApp.properties.defaultHostName}/api/audit' : ''
output alertsTopicId string = detectionsEnabled ? alertsTopic.id : ''
