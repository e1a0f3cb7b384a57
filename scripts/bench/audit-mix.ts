/**
 * A realistic stream of audit events: mostly Metadata-level reads and lease renewals, with
 * RequestResponse events whose objects dominate the bytes (a Deployment rollout, a ConfigMap
 * update, a pod list, a Secret creation). Weights are by event count.
 */
import { type AuditEvent, auditEvent } from '../../test/helpers/audit-events.ts';
import { configMap, deployment, pod, secret } from './k8s-objects.ts';
import type { Sequence } from './sequence.ts';

export type Platform = 'eks' | 'aks';

interface Template {
  name: string;
  weight: number;
  build: (seq: Sequence, platform: Platform) => AuditEvent;
}

const NAMESPACES = ['checkout', 'payments', 'catalog', 'observability', 'kube-system'];
const APPS = ['checkout', 'cart', 'pricing', 'inventory', 'gateway'];

/** The human operator, as each platform's authenticator records them. */
function humanUser(seq: Sequence, platform: Platform): AuditEvent {
  if (platform === 'aks') {
    return { username: 'alice@contoso.com', uid: seq.uuid(), groups: [seq.uuid(), 'system:authenticated'], extra: { oid: [seq.uuid()], scopes: ['user_impersonation'] } };
  }
  const session = `alice-${seq.token(6)}`;
  return {
    username: `arn:aws:sts::123456789012:assumed-role/PlatformAdmin/${session}`,
    uid: 'aws-iam-authenticator:123456789012:AROAEXAMPLEROLEID',
    groups: ['system:authenticated'],
    extra: {
      accessKeyId: [`ASIA${seq.token(16).toUpperCase()}`],
      arn: [`arn:aws:sts::123456789012:assumed-role/PlatformAdmin/${session}`],
      canonicalArn: ['arn:aws:iam::123456789012:role/PlatformAdmin'],
      principalId: ['AROAEXAMPLEROLEID'],
      sessionName: [session],
    },
  };
}

function serviceAccount(seq: Sequence, namespace: string, name: string): AuditEvent {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: seq.uuid(),
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/pod-name': [`${name}-0`], 'authentication.kubernetes.io/pod-uid': [seq.uuid()] },
  };
}

function nodeName(seq: Sequence, platform: Platform): string {
  return platform === 'eks' ? `ip-10-0-${seq.int(0, 63)}-${seq.int(1, 254)}.eu-west-1.compute.internal` : `aks-system-${seq.int(10000000, 99999999)}-vmss00000${seq.int(0, 9)}`;
}

function allow(reason: string): AuditEvent {
  return { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': reason };
}

/** The fields every event of a request has, with fresh ids and timestamps. */
function request(seq: Sequence, overrides: AuditEvent): AuditEvent {
  const received = seq.timestamp();
  return auditEvent({
    auditID: seq.uuid(),
    requestReceivedTimestamp: received,
    stageTimestamp: seq.timestamp(),
    sourceIPs: [`10.0.${seq.int(0, 63)}.${seq.int(1, 254)}`],
    ...overrides,
  });
}

const TEMPLATES: Template[] = [
  {
    name: 'node lease renewal (Metadata)',
    weight: 30,
    build: (seq, platform) => {
      const node = nodeName(seq, platform);
      return request(seq, {
        verb: 'update',
        requestURI: `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`,
        user: { username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] },
        userAgent: 'kubelet/v1.31.2 (linux/arm64) kubernetes/5864a46',
        objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: node, apiGroup: 'coordination.k8s.io', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 200 },
        annotations: allow(''),
      });
    },
  },
  {
    name: 'controller get/list (Metadata)',
    weight: 25,
    build: (seq) => {
      const namespace = seq.pick(NAMESPACES);
      const resource = seq.pick(['configmaps', 'endpoints', 'services', 'replicasets']);
      return request(seq, {
        verb: seq.pick(['get', 'list']),
        requestURI: `/api/v1/namespaces/${namespace}/${resource}?resourceVersion=0`,
        user: serviceAccount(seq, namespace, seq.pick(APPS)),
        userAgent: 'controller/v0.19.1 (linux/amd64) kubernetes/$Format',
        objectRef: { resource, namespace, apiVersion: 'v1' },
        annotations: allow(`RBAC: allowed by RoleBinding "reader/${namespace}" of Role "reader" to ServiceAccount "controller/${namespace}"`),
      });
    },
  },
  {
    name: 'human list pods (Metadata)',
    weight: 8,
    build: (seq, platform) => request(seq, { user: humanUser(seq, platform) }),
  },
  {
    name: 'watch (Metadata, ResponseStarted)',
    weight: 8,
    build: (seq) =>
      request(seq, {
        stage: 'ResponseStarted',
        verb: 'watch',
        requestURI: `/api/v1/pods?allowWatchBookmarks=true&resourceVersion=${seq.int(10_000_000, 99_999_999)}&timeout=8m43s&timeoutSeconds=523&watch=true`,
        user: { username: 'system:kube-controller-manager', groups: ['system:authenticated'] },
        userAgent: 'kube-controller-manager/v1.31.2 (linux/amd64) kubernetes/5864a46/shared-informers',
        objectRef: { resource: 'pods', apiVersion: 'v1' },
        annotations: allow(
          'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"',
        ),
      }),
  },
  {
    name: 'forbidden get secret (Metadata)',
    weight: 4,
    build: (seq, platform) =>
      request(seq, {
        verb: 'get',
        requestURI: '/api/v1/namespaces/payments/secrets/stripe-api-key',
        user: humanUser(seq, platform),
        objectRef: { resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', apiVersion: 'v1' },
        responseStatus: {
          metadata: {},
          status: 'Failure',
          message: 'secrets "stripe-api-key" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "payments"',
          reason: 'Forbidden',
          details: { name: 'stripe-api-key', kind: 'secrets' },
          code: 403,
        },
        annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
      }),
  },
  {
    name: 'Deployment rollout patch (RequestResponse)',
    weight: 15,
    build: (seq) => {
      const app = seq.pick(APPS);
      const namespace = seq.pick(NAMESPACES);
      const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${app}:1.42.${seq.int(0, 99)}`;
      return request(seq, {
        level: 'RequestResponse',
        verb: 'patch',
        requestURI: `/apis/apps/v1/namespaces/${namespace}/deployments/${app}?fieldManager=argocd-controller&force=true`,
        user: serviceAccount(seq, 'argocd', 'argocd-application-controller'),
        userAgent: 'argocd-controller/v2.13.1 (linux/amd64) kubernetes/$Format',
        objectRef: { resource: 'deployments', namespace, name: app, apiGroup: 'apps', apiVersion: 'v1' },
        requestObject: {
          spec: { template: { spec: { containers: [{ name: app, image }] }, metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': seq.timestamp() } } } },
        },
        responseObject: deployment(seq, app, namespace, image),
        annotations: allow(
          'RBAC: allowed by ClusterRoleBinding "argocd-application-controller" of ClusterRole "argocd-application-controller" to ServiceAccount "argocd-application-controller/argocd"',
        ),
      });
    },
  },
  {
    name: 'ConfigMap update (RequestResponse)',
    weight: 7,
    build: (seq) => {
      const namespace = seq.pick(NAMESPACES);
      const name = `${seq.pick(APPS)}-config`;
      const object = configMap(seq, name, namespace);
      return request(seq, {
        level: 'RequestResponse',
        verb: 'update',
        requestURI: `/api/v1/namespaces/${namespace}/configmaps/${name}`,
        user: serviceAccount(seq, namespace, 'config-reloader'),
        // A controller's own client, not the kubectl default of request(): a service account using kubectl is what a built-in rule looks for.
        userAgent: 'reloader/v1.1.0 (linux/amd64) kubernetes/$Format',
        objectRef: { resource: 'configmaps', namespace, name, apiVersion: 'v1' },
        requestObject: object,
        responseObject: object,
        annotations: allow(`RBAC: allowed by RoleBinding "config-reloader/${namespace}" of Role "config-writer" to ServiceAccount "config-reloader/${namespace}"`),
      });
    },
  },
  {
    name: 'pod list response (RequestResponse)',
    weight: 2,
    build: (seq, platform) => {
      const namespace = seq.pick(NAMESPACES);
      const app = seq.pick(APPS);
      const node = nodeName(seq, platform);
      return request(seq, {
        level: 'RequestResponse',
        requestURI: `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`,
        user: humanUser(seq, platform),
        objectRef: { resource: 'pods', namespace, apiVersion: 'v1' },
        responseObject: {
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(seq.int(10_000_000, 99_999_999)) },
          items: Array.from({ length: 8 }, () => pod(seq, app, namespace, node)),
        },
      });
    },
  },
  {
    name: 'Secret create (RequestResponse)',
    weight: 1,
    build: (seq, platform) => {
      const namespace = seq.pick(NAMESPACES);
      const name = `${seq.pick(APPS)}-db`;
      const object = secret(seq, name, namespace);
      return request(seq, {
        level: 'RequestResponse',
        verb: 'create',
        requestURI: `/api/v1/namespaces/${namespace}/secrets?fieldManager=kubectl-client-side-apply`,
        user: humanUser(seq, platform),
        objectRef: { resource: 'secrets', namespace, name, apiVersion: 'v1' },
        requestObject: object,
        responseObject: {
          ...object,
          metadata: { ...(object.metadata as object), uid: seq.uuid(), resourceVersion: String(seq.int(10_000_000, 99_999_999)), creationTimestamp: seq.timestamp() },
        },
        responseStatus: { metadata: {}, code: 201 },
      });
    },
  },
];

const TOTAL_WEIGHT = TEMPLATES.reduce((total, template) => total + template.weight, 0);

/** The next audit event of the mix, picked by weight. */
export function nextAuditEvent(seq: Sequence, platform: Platform): AuditEvent {
  let roll = seq.next() * TOTAL_WEIGHT;
  for (const template of TEMPLATES) {
    roll -= template.weight;
    if (roll < 0) return template.build(seq, platform);
  }
  return (TEMPLATES.at(-1) as Template).build(seq, platform);
}

/** The mix, for the report: template names and their share of events. */
export function auditMixDescription(): string {
  return TEMPLATES.map((template) => `${template.name} ${Math.round((template.weight / TOTAL_WEIGHT) * 100)}%`).join(', ');
}
