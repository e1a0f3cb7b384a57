/**
 * Builders for detection tests: Sigma rule texts for kubernetes/audit, and canonical events of
 * realistic API requests, made by running the real normalizer on audit.k8s.io/v1 Events.
 */
import { stringify } from 'yaml';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { type CompiledRule, loadRule } from '../../shared/transforms/detection/load-rule.ts';
import { type RuleRefusal, refusalMessage } from '../../shared/transforms/detection/rule-refusal.ts';
import { type AuditEvent, auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';

export const RULE_PATH = 'rules/pod-exec.yml';

/** A kubernetes/audit Sigma rule document with the given detection; every other attribute a realistic default. */
export function sigmaRule(detection: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Exec Into A Pod',
    id: '5f0c7c1e-2f4b-4f59-9a51-3d2a1b0c9e77',
    status: 'test',
    description: 'Detects a shell opened in a running container with kubectl exec.',
    references: ['https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/'],
    author: 'platform-security',
    date: '2026-11-20',
    tags: ['attack.execution', 'attack.t1609'],
    logsource: { product: 'kubernetes', service: 'audit' },
    detection,
    falsepositives: ['Debugging by the on-call engineer'],
    level: 'medium',
    ...overrides,
  };
}

export function sigmaRuleText(detection: Record<string, unknown>, overrides: Record<string, unknown> = {}): string {
  return stringify(sigmaRule(detection, overrides));
}

/** The rule a detection (or a whole rule text) compiles to; fails the test, quoting the refusal, when it is refused. */
export function ruleOf(detection: Record<string, unknown> | string, overrides: Record<string, unknown> = {}): CompiledRule {
  const loaded = loadRule(RULE_PATH, typeof detection === 'string' ? detection : sigmaRuleText(detection, overrides));
  if (!loaded.ok) throw new Error(`expected the rule to load, it was refused: ${refusalMessage(loaded.refusal)}`);
  return loaded.rule;
}

/** The refusal of a detection (or a whole rule text); fails the test when the rule loads. */
export function refusalOf(detection: Record<string, unknown> | string, overrides: Record<string, unknown> = {}): RuleRefusal {
  const loaded = loadRule(RULE_PATH, typeof detection === 'string' ? detection : sigmaRuleText(detection, overrides));
  if (loaded.ok) throw new Error(`expected the rule to be refused, it loaded as "${loaded.rule.title}"`);
  return loaded.refusal;
}

/** Whether a rule made of one selection fires on the event. */
export function selectionFires(selection: Record<string, unknown> | Record<string, unknown>[], event: CanonicalEvent): boolean {
  return ruleOf({ selection, condition: 'selection' }).matches(event);
}

/** A canonical event of an audit Event: `kubectl get pods` by a human (test/helpers defaults) with overrides. */
export function canonicalEvent(overrides: AuditEvent = {}): CanonicalEvent {
  return canonicalOf(sourceRecord(auditEvent(overrides)));
}

export const HUMAN_USER = { username: 'alice@example.com', uid: 'b1946ac9-2b6a-4c4e-8a7d-0f4c3e2d1a00', groups: ['developers', 'system:authenticated'] };

export function serviceAccountUser(namespace: string, name: string): AuditEvent {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid: '0c6b3f2e-8d41-4b9a-a7e5-2f1d9c8b7a60',
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export interface ResourceRequest {
  verb: string;
  resource: string;
  /** API group; '' (the default) is the core group, which the API server leaves out of objectRef. */
  group?: string;
  version?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Query string, without `?`. */
  query?: string;
  user?: AuditEvent;
  /** Response code; by default 101 for exec/attach/portforward, 201 for create, else 200. */
  code?: number;
  /** Sent object; the event is then logged at Request level. */
  requestObject?: unknown;
  userAgent?: string;
  sourceIPs?: string[];
  /** Audit stage; by default ResponseComplete. */
  stage?: string;
}

const FAILURE_REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'AlreadyExists', 422: 'Invalid' };

/**
 * A request on a Kubernetes resource as the API server audits it at ResponseComplete: the URI,
 * objectRef, response status and authorization annotations agree with each other (a 403 is a
 * forbid, with the API server's message; other failures were allowed and then failed).
 */
export function resourceRequest(request: ResourceRequest): CanonicalEvent {
  const group = request.group ?? '';
  const version = request.version ?? 'v1';
  const user = request.user ?? HUMAN_USER;
  const root = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const path = [root, request.namespace && `namespaces/${request.namespace}`, request.resource, request.name, request.subresource].filter(Boolean).join('/');
  const streams = ['exec', 'attach', 'portforward'].includes(request.subresource ?? '');
  const code = request.code ?? (streams ? 101 : request.verb === 'create' ? 201 : 200);
  const reason = FAILURE_REASONS[code];
  return canonicalEvent({
    ...(request.stage ? { stage: request.stage } : {}),
    level: request.requestObject === undefined ? 'Metadata' : 'Request',
    verb: request.verb,
    requestURI: request.query ? `${path}?${request.query}` : path,
    user,
    ...(request.sourceIPs ? { sourceIPs: request.sourceIPs } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
    objectRef: {
      resource: request.resource,
      ...(request.namespace ? { namespace: request.namespace } : {}),
      ...(request.name ? { name: request.name } : {}),
      ...(group !== '' ? { apiGroup: group } : {}),
      apiVersion: version,
      ...(request.subresource ? { subresource: request.subresource } : {}),
    },
    responseStatus:
      reason === undefined ? { metadata: {}, code } : { metadata: {}, status: 'Failure', message: failureMessage(request, String(user.username), group, code), reason, code },
    ...(request.requestObject === undefined ? {} : { requestObject: request.requestObject }),
    annotations:
      code === 403
        ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' }
        : {
            'authorization.k8s.io/decision': 'allow',
            'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "platform-admins" of ClusterRole "cluster-admin" to Group "developers"',
          },
  });
}

function failureMessage(request: ResourceRequest, username: string, group: string, code: number): string {
  if (code === 403)
    return `${request.resource} is forbidden: User "${username}" cannot ${request.verb} resource "${request.resource}" in API group "${group}"${request.namespace ? ` in the namespace "${request.namespace}"` : ''}`;
  if (code === 404) return `${request.resource} "${request.name ?? ''}" not found`;
  return FAILURE_REASONS[code] ?? 'Failure';
}

/** A Pod as `kubectl run` sends it, with the spec given merged over one plain container. */
export function podObject(name: string, namespace: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace, labels: { run: name } },
    spec: {
      containers: [{ name, image: 'registry.example.com/tools/debug:1.4.2', resources: {} }],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      ...spec,
    },
  };
}
