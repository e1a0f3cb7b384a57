/**
 * The events the dashboard tests show: seed 002's cluster history, a server error, and an XSS
 * probe whose every free-text field tries to run script that would set `window.__xss`.
 */
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';
import { clusterHistory } from '../query/search/search-events.ts';

export const XSS_AUDIT_ID = 'xss-probe';
export const SCRIPT_PROBE = '<script>window.__xss = "script"</script>';
export const IMG_PROBE = '"><img src=x onerror="window.__xss=\'img\'">';

function serverError(): CanonicalEvent {
  return canonicalOf(
    sourceRecord(
      auditEvent({
        auditID: 'apiserver-timeout',
        requestReceivedTimestamp: '2026-11-20T14:00:09Z',
        stageTimestamp: '2026-11-20T14:00:09Z',
        verb: 'list',
        responseStatus: { metadata: {}, status: 'Failure', reason: 'Timeout', code: 504 },
      }),
    ),
  );
}

function xssProbe(): CanonicalEvent {
  return canonicalOf(
    sourceRecord(
      auditEvent({
        auditID: XSS_AUDIT_ID,
        requestReceivedTimestamp: '2026-11-20T14:00:10Z',
        stageTimestamp: '2026-11-20T14:00:10Z',
        verb: 'get',
        user: { username: IMG_PROBE, groups: [SCRIPT_PROBE] },
        userAgent: SCRIPT_PROBE,
        objectRef: { resource: 'pods', namespace: 'default', name: '<svg onload="window.__xss=\'svg\'">', apiVersion: 'v1' },
        requestURI: `/api/v1/namespaces/default/pods/${encodeURIComponent(IMG_PROBE)}`,
        responseStatus: { metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: IMG_PROBE },
      }),
    ),
  );
}

export function dashboardEvents(): CanonicalEvent[] {
  return [...clusterHistory(), serverError(), xssProbe()];
}
