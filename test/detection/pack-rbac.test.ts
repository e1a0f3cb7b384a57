/** The pack's RBAC rules: bindings to cluster-admin and other powerful roles, impersonation, and roles that grant too much. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { canonicalEvent, resourceRequest } from './detection-builders.ts';
import { CONTROLLER_MANAGER, HUMAN_USER, packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const RBAC = 'rbac.authorization.k8s.io';

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', roleName: string, namespace?: string) {
  return {
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name: `ops-${roleName.replace(/:/g, '-')}`, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
  };
}

const bindingCreated = (roleName: string, request: { user?: Record<string, unknown>; code?: number; verb?: string } = {}) =>
  resourceRequest({ verb: 'create', resource: 'clusterrolebindings', group: RBAC, requestObject: binding('ClusterRoleBinding', roleName), ...request });
const roleBindingCreated = (roleName: string) =>
  resourceRequest({ verb: 'create', resource: 'rolebindings', group: RBAC, namespace: 'shop', requestObject: binding('RoleBinding', roleName, 'shop') });

type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };

function roleWritten(rules: PolicyRule[], request: { resource?: 'roles' | 'clusterroles'; verb?: string; name?: string; user?: Record<string, unknown>; code?: number } = {}) {
  const resource = request.resource ?? 'clusterroles';
  const name = request.name ?? 'ops-tooling';
  const namespace = resource === 'roles' ? 'shop' : undefined;
  return resourceRequest({
    verb: request.verb ?? 'create',
    resource,
    group: RBAC,
    ...(namespace ? { namespace } : {}),
    ...(request.verb && request.verb !== 'create' ? { name } : {}),
    requestObject: { apiVersion: `${RBAC}/v1`, kind: resource === 'roles' ? 'Role' : 'ClusterRole', metadata: { name, ...(namespace ? { namespace } : {}) }, rules },
    ...(request.user ? { user: request.user } : {}),
    ...(request.code ? { code: request.code } : {}),
  });
}

const READ_PODS: PolicyRule = { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] };

describe('Binding To cluster-admin Created Or Changed', () => {
  const rule = packRule('rbac-binding-cluster-admin.yml');

  it.each<Case>([
    ['kubectl create clusterrolebinding --clusterrole=cluster-admin', bindingCreated('cluster-admin')],
    ['a RoleBinding to cluster-admin in a namespace', roleBindingCreated('cluster-admin')],
    [
      'the cluster-admin binding patched to add a subject',
      resourceRequest({
        verb: 'patch',
        resource: 'clusterrolebindings',
        group: RBAC,
        name: 'cluster-admin',
        requestObject: { subjects: [{ kind: 'User', name: 'mallory@example.com' }] },
      }),
    ],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a binding to view', bindingCreated('view')],
    ['a binding to cluster-admin refused', bindingCreated('cluster-admin', { code: 403 })],
    ['the control plane reconciling its binding', bindingCreated('cluster-admin', { user: { username: 'system:apiserver', groups: ['system:masters'] } })],
    ['the cluster-admin binding read', resourceRequest({ verb: 'get', resource: 'clusterrolebindings', group: RBAC, name: 'cluster-admin' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Binding To A Powerful Role Created', () => {
  const rule = packRule('rbac-binding-powerful-role.yml');

  it.each(['admin', 'edit', 'system:kube-controller-manager', 'system:node'])('fires on a binding to %s', (role) => {
    // Assess
    expect(rule.matches(bindingCreated(role))).toBe(true);
  });

  it.each<Case>([
    ['a binding to view', bindingCreated('view')],
    ['a binding to cluster-admin (its own rule)', bindingCreated('cluster-admin')],
    ['a binding to edit by a kube-system controller', bindingCreated('edit', { user: serviceAccountUser('kube-system', 'clusterrole-aggregation-controller') })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Request Made By Impersonating Another Identity', () => {
  const rule = packRule('rbac-impersonation.yml');
  const impersonating = (user: Record<string, unknown>, code = 200) =>
    canonicalEvent({
      user,
      impersonatedUser: { username: 'system:serviceaccount:payments:stripe-sync', groups: ['system:serviceaccounts', 'system:authenticated'] },
      requestURI: '/api/v1/namespaces/payments/secrets',
      objectRef: { resource: 'secrets', namespace: 'payments', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code },
    });

  it('fires on kubectl --as by a person', () => {
    // Assess
    expect(rule.matches(impersonating(HUMAN_USER))).toBe(true);
  });

  it.each<Case>([
    ['a request without impersonation', resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'payments' })],
    ['an impersonation refused', impersonating(HUMAN_USER, 403)],
    ['the control plane impersonating', impersonating(CONTROLLER_MANAGER)],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Role Granting escalate, bind Or impersonate', () => {
  const rule = packRule('rbac-role-escalation-verbs.yml');

  it.each<Case>([
    ['a ClusterRole that may bind any role', roleWritten([{ apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['bind'] }])],
    ['a Role that may escalate', roleWritten([{ apiGroups: [RBAC], resources: ['roles'], verbs: ['get', 'escalate'] }], { resource: 'roles' })],
    ['a ClusterRole updated to impersonate users', roleWritten([READ_PODS, { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }], { verb: 'update' })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a ClusterRole that reads pods', roleWritten([READ_PODS])],
    ['a role that may read roles', roleWritten([{ apiGroups: [RBAC], resources: ['roles', 'rolebindings'], verbs: ['get', 'list'] }])],
    ['a role granting bind, refused', roleWritten([{ apiGroups: [RBAC], resources: ['clusterroles'], verbs: ['bind'] }], { code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Role Granting Every Verb Or Every Resource', () => {
  const rule = packRule('rbac-role-wildcard.yml');

  it.each<Case>([
    ['every verb on pods', roleWritten([{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }])],
    ['every resource, read only', roleWritten([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }], { resource: 'roles' })],
    ['a wildcard in the second rule', roleWritten([READ_PODS, { apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['named verbs and resources', roleWritten([READ_PODS])],
    ['a wildcard API group only', roleWritten([{ apiGroups: ['*'], resources: ['deployments'], verbs: ['get', 'list'] }])],
    [
      'a kube-system controller writing an aggregated role',
      roleWritten([{ apiGroups: [''], resources: ['*'], verbs: ['*'] }], {
        verb: 'update',
        name: 'admin',
        user: serviceAccountUser('kube-system', 'clusterrole-aggregation-controller'),
      }),
    ],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Role Granting Exec Or Attach Into Pods', () => {
  const rule = packRule('rbac-role-pod-exec.yml');

  it.each<Case>([
    ['pods/exec', roleWritten([READ_PODS, { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] }])],
    ['pods/attach in a Role', roleWritten([{ apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] }], { resource: 'roles' })],
    ['every subresource of pods', roleWritten([{ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['pods and their logs only', roleWritten([READ_PODS])],
    ['pods/exec, refused', roleWritten([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], { code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Role Granting nodes/proxy', () => {
  const rule = packRule('rbac-role-node-proxy.yml');

  it.each<Case>([
    ['nodes/proxy', roleWritten([{ apiGroups: [''], resources: ['nodes', 'nodes/proxy'], verbs: ['get'] }])],
    ['every subresource of nodes', roleWritten([{ apiGroups: [''], resources: ['nodes/*'], verbs: ['get'] }])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it('does not fire on a role that lists nodes and reads their metrics', () => {
    // Prepare
    const event = roleWritten([{ apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'nodes/stats'], verbs: ['get', 'list'] }]);

    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('System Role Changed Or Deleted', () => {
  const rule = packRule('rbac-system-role-modified.yml');

  it.each<Case>([
    ['system:node patched by a person', roleWritten([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }], { verb: 'patch', name: 'system:node' })],
    ['system:kube-scheduler deleted', resourceRequest({ verb: 'delete', resource: 'clusterroles', group: RBAC, name: 'system:kube-scheduler' })],
    ['an EKS role changed', roleWritten([READ_PODS], { verb: 'update', name: 'eks:node-manager' })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['system:coredns updated by its add-on', roleWritten([READ_PODS], { verb: 'update', name: 'system:coredns' })],
    ['a ClusterRole of the team changed', roleWritten([READ_PODS], { verb: 'update', name: 'ops-tooling' })],
    [
      'a system role reconciled by the API server',
      roleWritten([READ_PODS], { verb: 'update', name: 'system:node', user: { username: 'system:apiserver', groups: ['system:masters'] } }),
    ],
    ['a system role read', resourceRequest({ verb: 'get', resource: 'clusterroles', group: RBAC, name: 'system:node' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
