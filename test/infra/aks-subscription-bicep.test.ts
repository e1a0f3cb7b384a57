import { beforeAll, describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { modules, ownPropertyKeys, parameter, parameters, parseBicepFile, property, propertyAt, propertyKeys, resource, stringValue } from './helpers/bicep.ts';

const AUDIT_CATEGORIES = ['kube-audit-admin', 'kube-audit'];

describe('aks-audit-diagnostics.bicep', () => {
  let diagnostics: Node;
  beforeAll(async () => {
    diagnostics = await parseBicepFile('aks-audit-diagnostics.bicep');
  });

  it('adds a diagnostic setting to an existing AKS cluster', () => {
    // Act
    const cluster = resource(diagnostics, 'cluster');
    const setting = resource(diagnostics, 'auditToEventHub');

    // Assess
    expect(cluster).toMatchObject({ type: 'Microsoft.ContainerService/managedClusters@2024-05-01', existing: true });
    expect(setting.type).toBe('Microsoft.Insights/diagnosticSettings@2021-05-01-preview');
    expect(property(setting.body, 'scope')?.text).toBe('cluster');
  });

  it('streams to the event hub through its namespace authorization rule', () => {
    // Act
    const settings = propertyAt(resource(diagnostics, 'auditToEventHub').body, 'properties');

    // Assess
    expect(property(settings, 'eventHubAuthorizationRuleId')?.text).toBe('eventHubAuthorizationRuleId');
    expect(property(settings, 'eventHubName')?.text).toBe('eventHubName');
    expect(property(settings, 'workspaceId')).toBeUndefined();
  });

  it('sends exactly one audit category, the chosen one, so the overlapping categories never both flow', () => {
    // Act
    const logs = propertyAt(resource(diagnostics, 'auditToEventHub').body, 'properties.logs');

    // Assess
    expect(logs?.namedChildren).toHaveLength(1);
    expect(property(logs?.namedChildren[0], 'category')?.text).toBe('auditCategory');
    expect(property(logs?.namedChildren[0], 'enabled')?.text).toBe('true');
    expect(propertyKeys(logs)).not.toContain('categoryGroup');
  });

  it('chooses between kube-audit-admin (default) and kube-audit only', () => {
    // Act
    const category = parameter(diagnostics, 'auditCategory');

    // Assess
    expect(category.allowed).toEqual(AUDIT_CATEGORIES);
    expect(category.defaultValue).toBe("'kube-audit-admin'");
  });
});

describe('subscribe-cluster.bicep', () => {
  let subscribe: Node;
  beforeAll(async () => {
    subscribe = await parseBicepFile('subscribe-cluster.bicep');
  });

  it('deploys the diagnostic setting into the cluster’s own subscription and resource group', () => {
    // Act
    const [call] = modules(subscribe);

    // Assess
    expect(call?.path).toBe('aks-audit-diagnostics.bicep');
    expect(property(call?.body, 'scope')?.text).toBe('resourceGroup(clusterSubscriptionId, clusterResourceGroup)');
    expect(parameter(subscribe, 'clusterSubscriptionId').defaultValue).toBe('subscription().subscriptionId');
  });

  it('passes the id of the existing kaudit authorization rule', () => {
    // Act
    const rule = resource(subscribe, 'diagnosticsRule');
    const [call] = modules(subscribe);

    // Assess
    expect(rule).toMatchObject({ type: 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01', existing: true });
    expect(propertyAt(call?.body, 'params.eventHubAuthorizationRuleId')?.text).toBe('diagnosticsRule.id');
  });

  it('offers the same audit categories and default as the module it calls', () => {
    // Assess
    expect(parameter(subscribe, 'auditCategory').allowed).toEqual(AUDIT_CATEGORIES);
    expect(parameter(subscribe, 'auditCategory').defaultValue).toBe("'kube-audit-admin'");
  });
});

describe('module calls between the templates', () => {
  it.each([
    ['main.bicep', 'subscribe-cluster.bicep'],
    ['subscribe-cluster.bicep', 'aks-audit-diagnostics.bicep'],
  ])('%s passes %s every parameter it requires and none it does not declare', async (caller, callee) => {
    // Prepare
    const call = modules(await parseBicepFile(caller)).find((declared) => declared.path === callee);
    const declared = parameters(await parseBicepFile(callee));

    // Act
    const passed = ownPropertyKeys(property(call?.body, 'params'));

    // Assess
    expect(passed.filter((name) => !declared.some((parameterOfCallee) => parameterOfCallee.name === name))).toEqual([]);
    expect(declared.filter((parameterOfCallee) => parameterOfCallee.defaultValue === undefined && !passed.includes(parameterOfCallee.name))).toEqual([]);
  });

  it('main.bicep subscribes each cluster of aksClusters, defaulting to its own subscription', async () => {
    // Prepare
    const main = await parseBicepFile('main.bicep');

    // Act
    const [call] = modules(main);

    // Assess
    expect(call?.body?.parent?.text).toMatch(/^\[\s*for cluster in aksClusters:/);
    expect(propertyAt(call?.body, 'params.clusterSubscriptionId')?.text).toBe('cluster.?subscriptionId ?? subscription().subscriptionId');
    expect(stringValue(propertyAt(call?.body, 'params.auditCategory'))).toBeUndefined();
    expect(propertyAt(call?.body, 'params.auditCategory')?.text).toBe('auditCategory');
  });
});
