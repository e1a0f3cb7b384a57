/**
 * A finding in OCSF's Detection Finding class (2004, category Findings), for SIEMs that take OCSF
 * (Security Lake, Sentinel's ASIM through a parser, Splunk): the same finding, nothing more.
 */
import { KAUDIT_VERSION } from '../core/version.ts';
import type { Finding } from '../schema/finding.ts';
import { FINDING_LEVELS } from '../schema/finding-constants.ts';

const OCSF_VERSION = '1.3.0';
const DETECTION_FINDING = { class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings' } as const;
/** Activity 1: Create. type_uid is class_uid × 100 + activity_id. */
const CREATE = { activity_id: 1, activity_name: 'Create', type_uid: 200401 } as const;
/** OCSF severity_id: 1 informational … 5 critical, in Sigma's order. */
const SEVERITY_IDS: Record<Finding['level'], number> = Object.fromEntries(FINDING_LEVELS.map((level, index) => [level, index + 1])) as Record<Finding['level'], number>;

export function ocsfDetectionFinding(finding: Finding): Record<string, unknown> {
  return {
    ...DETECTION_FINDING,
    ...CREATE,
    severity_id: SEVERITY_IDS[finding.level],
    severity: capitalized(finding.level),
    status_id: 1,
    status: 'New',
    time: Date.parse(finding.detected_time),
    message: finding.rule_title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'kaudit', vendor_name: 'kaudit', version: KAUDIT_VERSION },
      uid: finding.finding_id,
      correlation_uid: finding.audit_id,
    },
    finding_info: {
      uid: finding.finding_id,
      title: finding.rule_title,
      desc: finding.detail ?? undefined,
      types: [finding.detection_kind === 'sigma' ? 'Sigma rule' : 'Behaviour analytic'],
      analytic: {
        uid: finding.rule_id,
        name: finding.rule_title,
        type_id: finding.detection_kind === 'sigma' ? 1 : 2,
        type: finding.detection_kind === 'sigma' ? 'Rule' : 'Behavioral',
      },
      attacks: attacksOf(finding),
      data_sources: [finding.rule_source],
      first_seen_time: Date.parse(finding.time),
      last_seen_time: Date.parse(finding.time),
      related_events: [{ uid: finding.event_id, type: 'k8s_audit/1' }],
    },
    actor: { user: { name: finding.user_name ?? undefined, type: finding.user_type ?? undefined, groups: finding.user_groups?.map((name) => ({ name })) } },
    src_endpoint: { ip: finding.src_peer_ip ?? undefined },
    cloud: {
      provider: finding.platform === 'eks' ? 'AWS' : finding.platform === 'aks' ? 'Azure' : undefined,
      account: { uid: finding.cloud_account_id ?? undefined },
      region: finding.cloud_region ?? undefined,
    },
    resources: [
      {
        type: finding.object_resource ?? undefined,
        name: finding.object_name ?? undefined,
        namespace: finding.object_namespace ?? undefined,
        group: { name: finding.cluster_name ?? undefined, uid: finding.cluster_id ?? undefined },
      },
    ],
    unmapped: { event_id: finding.event_id, verb: finding.verb, request_uri: finding.request_uri, response_code: finding.response_code },
  };
}

/** One ATT&CK entry per technique, with the rule's tactics; the tactics alone when it names no technique. */
function attacksOf(finding: Finding): Record<string, unknown>[] {
  const tactics = finding.mitre_tactics.map((name) => ({ name }));
  if (finding.mitre_techniques.length === 0) return tactics.map((tactic) => ({ tactic, version: 'v15' }));
  return finding.mitre_techniques.map((uid) => ({ technique: { uid }, tactics, version: 'v15' }));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
