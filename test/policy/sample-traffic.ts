/**
 * A minute of audit traffic from two small clusters (three nodes each), by who sends it and how
 * often, with whether the cost-saver policy is meant to keep it. The rates follow the defaults of
 * the components: kubelets renew their lease every 10 s, leader election renews every 2 s, probes
 * poll every 5 s. Events from test/fixtures are used as recorded.
 */
import { type AuditEvent, auditEvent, fixtureEvent } from '../helpers/audit-events.ts';

export interface TrafficLine {
  what: string;
  perMinute: number;
  event: AuditEvent;
  kept: boolean;
}

type User = { username: string; groups: string[] };

const node = (name: string): User => ({ username: `system:node:${name}`, groups: ['system:nodes', 'system:authenticated'] });
const serviceAccount = (namespace: string, name: string): User => ({
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
});
const component = (username: string): User => ({ username, groups: ['system:authenticated'] });
const person = (username: string, groups: string[]): User => ({ username, groups: [...groups, 'system:authenticated'] });

interface Target {
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** A resource request, with the request URI the API server would record for it. */
function request(user: User, verb: string, target: Target, fields: AuditEvent = {}): AuditEvent {
  const base = target.group ? `/apis/${target.group}/v1` : '/api/v1';
  const path = [base, target.namespace && `namespaces/${target.namespace}`, target.resource, target.name, target.subresource].filter(Boolean).join('/');
  return auditEvent({
    user,
    verb,
    requestURI: verb === 'watch' ? `${path}?watch=true` : path,
    objectRef: { resource: target.resource, apiGroup: target.group, namespace: target.namespace, name: target.name, subresource: target.subresource, apiVersion: 'v1' },
    stage: verb === 'watch' ? 'ResponseStarted' : 'ResponseComplete',
    ...fields,
  });
}

function nonResource(user: User, path: string): AuditEvent {
  return auditEvent({ user, verb: 'get', requestURI: path, objectRef: undefined });
}

const EKS_NODE = node('ip-10-0-42-17.eu-west-1.compute.internal');
const AKS_NODE = node('aks-nodepool1-38290114-vmss000000');
const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };
const lease = (namespace: string, name: string): Target => ({ resource: 'leases', group: 'coordination.k8s.io', namespace, name });

export const EKS_MINUTE: readonly TrafficLine[] = [
  { what: 'kubelets renew their node lease', perMinute: 18, event: request(EKS_NODE, 'update', lease('kube-node-lease', 'ip-10-0-42-17')), kept: true },
  { what: 'kubelets patch their node status', perMinute: 3, event: fixtureEvent('eks/node-patch-node-status.json'), kept: true },
  { what: 'kubelets get their node', perMinute: 6, event: request(EKS_NODE, 'get', { resource: 'nodes', name: 'ip-10-0-42-17' }), kept: false },
  {
    what: 'kubelets refresh mounted ConfigMaps',
    perMinute: 12,
    event: request(EKS_NODE, 'get', { resource: 'configmaps', namespace: 'shop', name: 'checkout-config' }),
    kept: false,
  },
  { what: 'kubelets refresh mounted Secrets', perMinute: 6, event: request(EKS_NODE, 'get', { resource: 'secrets', namespace: 'shop', name: 'db-credentials' }), kept: false },
  { what: 'kubelets watch their pods', perMinute: 3, event: request(EKS_NODE, 'watch', { resource: 'pods' }), kept: false },
  { what: 'kubelets report events', perMinute: 6, event: request(EKS_NODE, 'create', { resource: 'events', namespace: 'shop' }), kept: false },
  {
    what: 'controller-manager reads its leader lease',
    perMinute: 30,
    event: request(component('system:kube-controller-manager'), 'get', lease('kube-system', 'kube-controller-manager')),
    kept: false,
  },
  {
    what: 'controller-manager renews its leader lease',
    perMinute: 30,
    event: request(component('system:kube-controller-manager'), 'update', lease('kube-system', 'kube-controller-manager')),
    kept: true,
  },
  { what: 'scheduler reads its leader lease', perMinute: 30, event: request(component('system:kube-scheduler'), 'get', lease('kube-system', 'kube-scheduler')), kept: false },
  { what: 'scheduler renews its leader lease', perMinute: 30, event: request(component('system:kube-scheduler'), 'update', lease('kube-system', 'kube-scheduler')), kept: true },
  { what: 'CoreDNS watches endpoint slices', perMinute: 2, event: fixtureEvent('eks/service-account-watch-endpointslices.json'), kept: false },
  { what: 'the VPC CNI gets nodes', perMinute: 6, event: request(serviceAccount('kube-system', 'aws-node'), 'get', { resource: 'nodes', name: 'ip-10-0-42-17' }), kept: false },
  { what: 'cluster-autoscaler lists pods', perMinute: 12, event: request(serviceAccount('kube-system', 'cluster-autoscaler'), 'list', { resource: 'pods' }), kept: false },
  { what: 'EKS lists certificate signing requests', perMinute: 2, event: fixtureEvent('eks/eks-certificate-controller-list-csrs.json'), kept: false },
  { what: 'EKS scrapes /metrics', perMinute: 4, event: nonResource(component('eks:k8s-metrics'), '/metrics'), kept: false },
  {
    what: 'controllers report events',
    perMinute: 4,
    event: request(serviceAccount('kube-system', 'replicaset-controller'), 'create', { resource: 'events', namespace: 'shop' }),
    kept: false,
  },
  {
    what: 'controllers create pods',
    perMinute: 2,
    event: request(serviceAccount('kube-system', 'replicaset-controller'), 'create', { resource: 'pods', namespace: 'shop' }),
    kept: true,
  },
  {
    what: 'controllers update deployment status',
    perMinute: 2,
    event: request(serviceAccount('kube-system', 'deployment-controller'), 'update', {
      resource: 'deployments',
      group: 'apps',
      namespace: 'shop',
      name: 'checkout',
      subresource: 'status',
    }),
    kept: true,
  },
  { what: 'load balancer health checks', perMinute: 12, event: nonResource(ANONYMOUS, '/readyz'), kept: false },
  { what: 'an admin reads aws-auth', perMinute: 1, event: fixtureEvent('eks/sso-admin-get-aws-auth.json'), kept: true },
  { what: 'a developer lists pods', perMinute: 3, event: auditEvent(), kept: true },
  { what: 'a developer reads events', perMinute: 1, event: request(person('alice@example.com', ['developers']), 'list', { resource: 'events', namespace: 'shop' }), kept: true },
  {
    what: 'a developer applies a deployment',
    perMinute: 1,
    event: request(person('alice@example.com', ['developers']), 'patch', { resource: 'deployments', group: 'apps', namespace: 'shop', name: 'checkout' }),
    kept: true,
  },
  { what: 'CI is refused a list of secrets', perMinute: 1, event: fixtureEvent('eks/iam-user-forbidden-list-secrets.json'), kept: true },
  { what: 'an anonymous client reads /version', perMinute: 1, event: fixtureEvent('eks/anonymous-get-version.json'), kept: true },
];

export const AKS_MINUTE: readonly TrafficLine[] = [
  { what: 'kubelets renew their node lease', perMinute: 18, event: fixtureEvent('aks/node-update-lease.json'), kept: true },
  { what: 'kubelets get their node', perMinute: 6, event: request(AKS_NODE, 'get', { resource: 'nodes', name: 'aks-nodepool1-38290114-vmss000000' }), kept: false },
  {
    what: 'kubelets refresh mounted ConfigMaps',
    perMinute: 12,
    event: request(AKS_NODE, 'get', { resource: 'configmaps', namespace: 'payments', name: 'payments-api' }),
    kept: false,
  },
  { what: 'kubelets report events', perMinute: 6, event: request(AKS_NODE, 'create', { resource: 'events', namespace: 'payments' }), kept: false },
  { what: 'AKS reads its configuration', perMinute: 4, event: fixtureEvent('aks/aks-service-get-configmap.json'), kept: false },
  { what: 'AKS lists nodes', perMinute: 6, event: fixtureEvent('aks/masterclient-list-nodes.json'), kept: false },
  { what: 'Azure Policy lists pods', perMinute: 4, event: fixtureEvent('aks/service-account-list-pods.json'), kept: false },
  { what: 'konnectivity watches services', perMinute: 3, event: request(serviceAccount('kube-system', 'konnectivity-agent'), 'watch', { resource: 'services' }), kept: false },
  {
    what: 'controllers report events',
    perMinute: 4,
    event: request(serviceAccount('kube-system', 'job-controller'), 'patch', { resource: 'events', group: 'events.k8s.io', namespace: 'payments', name: 'nightly.17f' }),
    kept: false,
  },
  {
    what: 'controllers create pods',
    perMinute: 2,
    event: request(serviceAccount('kube-system', 'job-controller'), 'create', { resource: 'pods', namespace: 'payments' }),
    kept: true,
  },
  { what: 'probes poll /livez', perMinute: 12, event: nonResource(ANONYMOUS, '/livez'), kept: false },
  { what: 'an engineer execs into a pod', perMinute: 1, event: fixtureEvent('aks/aad-user-exec-into-pod.json'), kept: true },
  { what: 'an engineer is refused deleting a namespace', perMinute: 1, event: fixtureEvent('aks/aad-user-forbidden-delete-namespace.json'), kept: true },
  {
    what: 'an engineer lists pods',
    perMinute: 2,
    event: request(person('devon.okafor@contoso.com', ['7c1a2b3d-payments-oncall']), 'list', { resource: 'pods', namespace: 'payments' }),
    kept: true,
  },
];

/** The events of a minute: each line's event as often as it happens, each with its own audit ID. */
export function minuteOf(lines: readonly TrafficLine[]): AuditEvent[] {
  return lines.flatMap((line, index) => auditIdsOf(line, index).map((auditID) => ({ ...line.event, auditID })));
}

/** The audit IDs of a line's events in {@link minuteOf}. */
export function auditIdsOf(line: TrafficLine, index: number): string[] {
  return Array.from({ length: line.perMinute }, (_, repeat) => `line-${index}-${repeat}`);
}
