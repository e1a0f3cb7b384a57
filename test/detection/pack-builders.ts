/**
 * Builders for tests of the built-in rule pack: the pack compiled as a deployment would compile
 * it (with approved networks for the test clusters), one of its rules by file, and realistic
 * events of the requests the pack is about, made by the real normalizer.
 */

import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { ApprovedNetworks } from '../../shared/transforms/detection/approved-networks.ts';
import { compileBuiltInPack } from '../../shared/transforms/detection/built-in-pack.ts';
import type { CompiledRule } from '../../shared/transforms/detection/load-rule.ts';
import { BUILT_IN_PREFIX } from '../../shared/transforms/detection/rule-pack-module.ts';
import { matchEvent } from '../../shared/transforms/detection/rule-set.ts';
import type { AuditEvent } from '../helpers/audit-events.ts';
import { HUMAN_USER, podObject, type ResourceRequest, resourceRequest, serviceAccountUser } from './detection-builders.ts';

/** The tests' events come from the self-managed cluster onprem-dc1 (test/helpers' default provenance). */
const TEST_APPROVED_NETWORKS: ApprovedNetworks = new Map([
  ['onprem-dc1', ['10.0.0.0/16', '198.51.100.0/24']],
  ['prod-eu', ['10.40.0.0/16', '2001:db8:40::/48']],
]);

export const PACK = compileBuiltInPack({ approvedNetworks: TEST_APPROVED_NETWORKS });

/** A rule of the pack by its file name (`pod-exec.yml`). */
export function packRule(file: string): CompiledRule {
  const rule = PACK.all.find((candidate) => candidate.path === BUILT_IN_PREFIX + file);
  if (rule === undefined) throw new Error(`no built-in rule ${file}`);
  return rule;
}

/** The titles of the pack's rules that fire on an event, in the pack's order. */
export function titlesFiredBy(event: CanonicalEvent): string[] {
  return matchEvent(PACK, event).matched.map((rule) => rule.title);
}

export const NODE_USER: AuditEvent = { username: 'system:node:ip-10-0-3-17.eu-west-1.compute.internal', groups: ['system:nodes', 'system:authenticated'] };
export const CONTROLLER_MANAGER: AuditEvent = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
export const REPLICASET_CONTROLLER = serviceAccountUser('kube-system', 'replicaset-controller');
export const ARGOCD = serviceAccountUser('argocd', 'argocd-application-controller');
export { HUMAN_USER, serviceAccountUser };

/** An address on the internet, one in the cluster's network. */
export const PUBLIC_ADDRESS = '203.0.113.77';
export const POD_ADDRESS = '10.0.12.7';

export interface ExecInput extends Partial<ResourceRequest> {
  /** The command and its arguments, as kubectl sends them (one command= parameter each). */
  command: string[];
  container?: string;
  stdin?: boolean;
  tty?: boolean;
}

/**
 * `kubectl exec` as the API server audits it: the command in the URI's query, encoded and with the
 * parameters in kubectl's (alphabetical) order. kubectl 1.30 and later send get over WebSocket.
 */
export function execRequest(input: ExecInput): CanonicalEvent {
  const { command, container = 'web', stdin = true, tty = true, ...request } = input;
  const pairs: [string, string][] = [...command.map((part): [string, string] => ['command', part]), ['container', container], ['stderr', 'true']];
  if (stdin) pairs.push(['stdin', 'true']);
  pairs.push(['stdout', 'true']);
  if (tty) pairs.push(['tty', 'true']);
  const parameters = new URLSearchParams(pairs);
  return resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5d-x2x4q', subresource: 'exec', query: parameters.toString(), ...request });
}

/** Where each workload kind keeps its pods' spec, with its API group and kind. */
const WORKLOAD_KINDS = {
  pods: { group: '', kind: 'Pod', wrap: (podSpec: object) => podSpec },
  deployments: {
    group: 'apps',
    kind: 'Deployment',
    wrap: (podSpec: object) => ({ replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } }),
  },
  daemonsets: {
    group: 'apps',
    kind: 'DaemonSet',
    wrap: (podSpec: object) => ({ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } }),
  },
  statefulsets: {
    group: 'apps',
    kind: 'StatefulSet',
    wrap: (podSpec: object) => ({ serviceName: 'web', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } }),
  },
  replicasets: {
    group: 'apps',
    kind: 'ReplicaSet',
    wrap: (podSpec: object) => ({ replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } }),
  },
  replicationcontrollers: {
    group: '',
    kind: 'ReplicationController',
    wrap: (podSpec: object) => ({ replicas: 1, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec } }),
  },
  jobs: { group: 'batch', kind: 'Job', wrap: (podSpec: object) => ({ backoffLimit: 1, template: { spec: { ...podSpec, restartPolicy: 'Never' } } }) },
  cronjobs: {
    group: 'batch',
    kind: 'CronJob',
    wrap: (podSpec: object) => ({ schedule: '*/10 * * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } }),
  },
} as const;

export type WorkloadResource = keyof typeof WORKLOAD_KINDS;
export const WORKLOAD_RESOURCES = Object.keys(WORKLOAD_KINDS) as WorkloadResource[];

/** A pod spec: one container `web`, with the container fields and the pod fields given. */
export function podSpec(pod: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Record<string, unknown> {
  const base = podObject('web', 'shop').spec as { containers: Record<string, unknown>[] };
  return { ...base, containers: [{ ...base.containers[0], ...container }], ...pod };
}

/** A workload of the given kind created (or written with `verb`) with the pod spec given, as kubectl apply sends it. */
export function workloadWrite(resource: WorkloadResource, spec: Record<string, unknown>, request: Partial<ResourceRequest> = {}): CanonicalEvent {
  const { group, kind, wrap } = WORKLOAD_KINDS[resource];
  const namespace = request.namespace ?? 'shop';
  const name = request.name ?? 'web';
  return resourceRequest({
    verb: 'create',
    resource,
    group,
    version: 'v1',
    namespace,
    ...(request.verb === 'create' || request.verb === undefined ? {} : { name }),
    requestObject: { apiVersion: group === '' ? 'v1' : `${group}/v1`, kind, metadata: { name, namespace }, spec: wrap(spec) },
    ...request,
  });
}
