/**
 * A small cluster history in the shape of the seed-002 story: a service account refused when it
 * lists secrets, people and nodes working normally, and a hostile user whose name and user agent
 * look like SQL and markup. Each event's audit ID says what it is.
 */
import type { CanonicalEvent } from '../../../shared/schema/canonical-event.ts';
import { type AuditEvent, auditEvent, canonicalOf, cutAfter, sourceRecord } from '../../helpers/audit-events.ts';

export const DEMO_SA = 'system:serviceaccount:default:demo';

/** Seed 002's second query, verbatim: what the demo account was refused listing. */
export const WHAT_DEMO_WAS_REFUSED = 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" and username="system:serviceaccount:default:demo"';

/** What `--explain` prints for {@link WHAT_DEMO_WAS_REFUSED} with a page of `limit` events. */
export function whatDemoWasRefusedExplained(limit: number): string {
  return [
    'WITH page AS MATERIALIZED (',
    '  SELECT "event_id", "time" FROM "events"',
    '  WHERE "response_code" = $1',
    '    AND "verb" = $2',
    '    AND "user_name" = $3',
    '  ORDER BY "time" DESC NULLS LAST, "event_id"',
    '  LIMIT $4',
    ')',
    'SELECT "events".* FROM "events" JOIN page USING ("event_id", "time")',
    'ORDER BY "time" DESC NULLS LAST, "event_id"',
    '-- $1 = 403',
    '-- $2 = "list"',
    `-- $3 = "${DEMO_SA}"`,
    `-- $4 = ${limit}`,
  ].join('\n');
}
export const HOSTILE_USER = "x' OR 1=1 --";

const SA_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'];

function forbidden(overrides: AuditEvent): AuditEvent {
  return {
    responseStatus: { metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403 },
    annotations: { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' },
    ...overrides,
  };
}

function at(time: string): AuditEvent {
  return { requestReceivedTimestamp: time, stageTimestamp: time };
}

const AKS = { platform: 'aks', cloud_provider: 'azure', cluster_name: 'aks-weu-prod', cluster_id: 'aks-weu-prod' } as const;

/** The events, oldest first. */
export function clusterHistory(): CanonicalEvent[] {
  const events: [AuditEvent, Parameters<typeof sourceRecord>[1]?][] = [
    [
      auditEvent(
        forbidden({
          auditID: 'demo-list-secrets-1',
          ...at('2026-11-20T14:00:01.000001Z'),
          user: { username: DEMO_SA, groups: SA_GROUPS },
          objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
          requestURI: '/api/v1/namespaces/default/secrets',
        }),
      ),
    ],
    [
      auditEvent(
        forbidden({
          auditID: 'demo-list-secrets-2',
          ...at('2026-11-20T14:00:02.5Z'),
          user: { username: DEMO_SA, groups: SA_GROUPS },
          objectRef: { resource: 'secrets', namespace: 'default', apiVersion: 'v1' },
          requestURI: '/api/v1/namespaces/default/secrets',
        }),
      ),
    ],
    [
      auditEvent(
        forbidden({
          auditID: 'demo-list-pods',
          ...at('2026-11-20T14:00:02.500001Z'),
          user: { username: DEMO_SA, groups: SA_GROUPS },
          objectRef: { resource: 'pods', namespace: 'kube-system', apiVersion: 'v1' },
          requestURI: '/api/v1/namespaces/kube-system/pods',
        }),
      ),
    ],
    [
      auditEvent({
        auditID: 'alice-get-pod',
        ...at('2026-11-20T14:00:04Z'),
        verb: 'get',
        objectRef: { resource: 'pods', namespace: 'default', name: 'web-7c9f', apiVersion: 'v1' },
        requestURI: '/api/v1/namespaces/default/pods/web-7c9f',
      }),
    ],
    [
      auditEvent(
        forbidden({
          auditID: 'bob-list-configmaps',
          ...at('2026-11-20T14:00:05Z'),
          user: { username: 'Bob@example.com', groups: ['ops', 'system:authenticated'] },
          objectRef: { resource: 'configmaps', namespace: 'kube-system', apiVersion: 'v1' },
          requestURI: '/api/v1/namespaces/kube-system/configmaps',
        }),
      ),
      AKS,
    ],
    [
      auditEvent({
        auditID: 'node-watch-received',
        ...at('2026-11-20T14:00:06Z'),
        stage: 'RequestReceived',
        verb: 'watch',
        responseStatus: undefined,
        annotations: undefined,
        user: { username: 'system:node:ip-10-0-1-5', groups: ['system:nodes', 'system:authenticated'] },
        objectRef: { resource: 'nodes', apiVersion: 'v1' },
        requestURI: '/api/v1/nodes?watch=true',
        sourceIPs: ['10.0.1.5'],
      }),
    ],
    [
      auditEvent({
        auditID: 'hostile-get-secret',
        ...at('2026-11-20T14:00:07Z'),
        verb: 'get',
        user: { username: HOSTILE_USER, groups: ['"; DROP TABLE events; --'] },
        userAgent: '<script>alert(1)</script> 100%_sure\\',
        objectRef: { resource: 'secrets', namespace: 'default', name: 'db-password', apiVersion: 'v1' },
        requestURI: '/api/v1/namespaces/default/secrets/db-password',
      }),
    ],
  ];
  const truncated = auditEvent({
    auditID: 'truncated-delete',
    ...at('2026-11-20T14:00:08Z'),
    verb: 'delete',
    objectRef: { resource: 'deployments', namespace: 'default', name: 'web', apiGroup: 'apps', apiVersion: 'v1' },
  });
  return [...events.map(([event, provenance]) => canonicalOf(sourceRecord(event, provenance))), canonicalOf(sourceRecord(cutAfter(truncated, '"stageTimestamp"')))];
}
