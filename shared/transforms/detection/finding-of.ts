/**
 * A finding from a detection and the event it fired on. Everything about the event is copied from
 * the event as stored (after redaction); nothing else of it is kept.
 */
import { findingId } from '../../core/event-id.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import type { Finding } from '../../schema/finding.ts';
import { FINDING_SCHEMA_VERSION, type FindingLevel } from '../../schema/finding-constants.ts';

/** What a finding says about the detection that fired: a compiled Sigma rule, or an analytic. */
export interface DetectionIdentity {
  kind: Finding['detection_kind'];
  id: string;
  title: string;
  source: string;
  level: FindingLevel;
  tags: readonly string[];
}

/** The event fields a finding copies (a row of the `events` view has them all). */
export type FindingEventFields = Pick<
  CanonicalEvent,
  | 'event_id'
  | 'audit_id'
  | 'time'
  | 'stage'
  | 'level'
  | 'verb'
  | 'request_uri'
  | 'user_name'
  | 'user_type'
  | 'user_groups'
  | 'impersonated_user_name'
  | 'src_ip'
  | 'src_peer_ip'
  | 'user_agent'
  | 'object_api_group'
  | 'object_resource'
  | 'object_subresource'
  | 'object_namespace'
  | 'object_name'
  | 'response_code'
  | 'outcome'
  | 'platform'
  | 'cloud_account_id'
  | 'cloud_region'
  | 'cluster_name'
  | 'cluster_id'
>;

export function findingOf(detection: DetectionIdentity, event: FindingEventFields, detectedTime: string, detail: string | null = null): Finding {
  const { tactics, techniques } = attackOf(detection.tags);
  return {
    finding_id: findingId(detection.id, event.event_id),
    schema_version: FINDING_SCHEMA_VERSION,
    detection_kind: detection.kind,
    rule_id: detection.id,
    rule_title: detection.title,
    rule_source: detection.source,
    level: detection.level,
    tags: [...detection.tags],
    mitre_tactics: tactics,
    mitre_techniques: techniques,
    detail,
    detected_time: detectedTime,
    event_id: event.event_id,
    audit_id: event.audit_id,
    time: event.time,
    stage: event.stage,
    event_level: event.level,
    verb: event.verb,
    request_uri: event.request_uri,
    user_name: event.user_name,
    user_type: event.user_type,
    user_groups: event.user_groups,
    impersonated_user_name: event.impersonated_user_name,
    src_ip: event.src_ip,
    src_peer_ip: event.src_peer_ip,
    user_agent: event.user_agent,
    object_api_group: event.object_api_group,
    object_resource: event.object_resource,
    object_subresource: event.object_subresource,
    object_namespace: event.object_namespace,
    object_name: event.object_name,
    response_code: event.response_code,
    outcome: event.outcome,
    platform: event.platform,
    cloud_account_id: event.cloud_account_id,
    cloud_region: event.cloud_region,
    cluster_name: event.cluster_name,
    cluster_id: event.cluster_id,
  };
}

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
/** Sigma's ATT&CK tags other than techniques, groups (g…) and software (s…) name tactics. */
const TACTIC_TAG = /^attack\.([a-z][a-z_-]*)$/i;

/** ATT&CK tactics and technique ids from Sigma's `attack.*` tags, each once, in tag order. */
export function attackOf(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  for (const tag of tags) {
    const technique = TECHNIQUE_TAG.exec(tag);
    if (technique) techniques.add((technique[1] as string).toUpperCase());
    else {
      const tactic = TACTIC_TAG.exec(tag);
      if (tactic) tactics.add((tactic[1] as string).toLowerCase().replaceAll('_', '-'));
    }
  }
  return { tactics: [...tactics], techniques: [...techniques] };
}
