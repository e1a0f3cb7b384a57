/**
 * A finding (`kaudit_finding/1`): one detection (a Sigma rule, or a behaviour analytic over the
 * lake) that fired on one stored event. The event's fields are copied from the event as stored,
 * after redaction, so a finding never carries a value redaction removed.
 * Field order here is the column order of every generated artefact (JSON Schema, DuckDB view).
 */
import * as z from 'zod';
import { CanonicalEventSchema } from './canonical-event.ts';

export const FINDING_SCHEMA_VERSION = 'kaudit_finding/1' as const;

/** Sigma's levels, lowest first: alerts are sent for findings at or above a configured one. */
export const FINDING_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type FindingLevel = (typeof FINDING_LEVELS)[number];

/** `sigma`: a rule evaluated on one event; `analytic`: a behaviour analytic over the lake. */
/** A finding sent as an alert: its EventBridge source and detail type, its Event Grid event type. Rules and subscriptions match on these. */
export const FINDING_EVENT = { source: 'kaudit', detailType: 'kaudit finding' } as const;

const DETECTION_KINDS = ['sigma', 'analytic'] as const;

const text = z.string().nullable();

/** The canonical fields a finding copies from its event, defined once, in the canonical event. */
const EVENT_FIELDS = CanonicalEventSchema.shape;

export const FindingSchema = z.object({
  finding_id: z.uuid().describe('UUIDv5 of the rule id and the event id: detecting the same event with the same rule again gives the same id'),
  schema_version: z.literal(FINDING_SCHEMA_VERSION).describe('Always `kaudit_finding/1`'),
  detection_kind: z.enum(DETECTION_KINDS).describe('sigma (a rule on one event) or analytic (behaviour over the lake)'),
  rule_id: z.string().describe("The Sigma rule's id (a UUID), or the analytic's name"),
  rule_title: z.string().describe("The rule's or analytic's title"),
  rule_source: z.string().describe('Where the rule came from: its file (`built-in/<file>` for the pack), or `analytics`'),
  level: z.enum(FINDING_LEVELS).describe('informational, low, medium, high or critical'),
  tags: z.array(z.string()).describe("The rule's tags as written (`attack.execution`, `attack.t1609`)"),
  mitre_tactics: z.array(z.string()).describe('ATT&CK tactics from the tags, e.g. `execution`, `privilege-escalation`'),
  mitre_techniques: z.array(z.string()).describe('ATT&CK technique ids from the tags, upper case, e.g. `T1609`, `T1078.001`'),
  detail: text.describe('What an analytic counted (e.g. "created 25 objects within 10 minutes"); null for Sigma rules'),
  detected_time: z.string().describe('When kaudit detected it (UTC ISO-8601); a later detection of the same finding keeps its id'),
  // The event it fired on, as stored: the canonical event's own field definitions
  event_id: EVENT_FIELDS.event_id,
  audit_id: EVENT_FIELDS.audit_id,
  time: z.string().describe("The event's time (UTC ISO-8601): the finding's partition"),
  stage: EVENT_FIELDS.stage,
  event_level: EVENT_FIELDS.level,
  verb: EVENT_FIELDS.verb,
  request_uri: EVENT_FIELDS.request_uri,
  user_name: EVENT_FIELDS.user_name,
  user_type: EVENT_FIELDS.user_type,
  user_groups: EVENT_FIELDS.user_groups,
  impersonated_user_name: EVENT_FIELDS.impersonated_user_name,
  src_ip: EVENT_FIELDS.src_ip,
  src_peer_ip: EVENT_FIELDS.src_peer_ip,
  user_agent: EVENT_FIELDS.user_agent,
  object_api_group: EVENT_FIELDS.object_api_group,
  object_resource: EVENT_FIELDS.object_resource,
  object_subresource: EVENT_FIELDS.object_subresource,
  object_namespace: EVENT_FIELDS.object_namespace,
  object_name: EVENT_FIELDS.object_name,
  response_code: EVENT_FIELDS.response_code,
  outcome: EVENT_FIELDS.outcome,
  platform: EVENT_FIELDS.platform,
  cloud_account_id: EVENT_FIELDS.cloud_account_id,
  cloud_region: EVENT_FIELDS.cloud_region,
  cluster_name: EVENT_FIELDS.cluster_name,
  cluster_id: EVENT_FIELDS.cluster_id,
});

export type Finding = z.infer<typeof FindingSchema>;

/** The findings at `level` or above: what alerts carry. */
export function findingsAtOrAbove(findings: readonly Finding[], level: FindingLevel): Finding[] {
  const lowest = FINDING_LEVELS.indexOf(level);
  return findings.filter((finding) => FINDING_LEVELS.indexOf(finding.level) >= lowest);
}
