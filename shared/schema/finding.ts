/**
 * A finding (`kaudit_finding/1`): one detection (a Sigma rule, or a behaviour analytic over the
 * lake) that fired on one stored event. The event's fields are copied from the event as stored,
 * after redaction, so a finding never carries a value redaction removed.
 * Field order here is the column order of every generated artefact (JSON Schema, DuckDB view).
 */
import * as z from 'zod';
import { LEVELS as EVENT_LEVELS, OUTCOMES, PLATFORMS, USER_TYPES } from './vocabulary.ts';

export const FINDING_SCHEMA_VERSION = 'kaudit_finding/1' as const;

/** Sigma's levels, lowest first: alerts are sent for findings at or above a configured one. */
export const FINDING_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type FindingLevel = (typeof FINDING_LEVELS)[number];

/** `sigma`: a rule evaluated on one event; `analytic`: a behaviour analytic over the lake. */
/** A finding sent as an alert: its EventBridge source and detail type, its Event Grid event type. Rules and subscriptions match on these. */
export const FINDING_EVENT = { source: 'kaudit', detailType: 'kaudit finding' } as const;

const DETECTION_KINDS = ['sigma', 'analytic'] as const;

const text = z.string().nullable();

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
  // The event it fired on, as stored
  event_id: z.uuid().describe('The event the detection fired on (for an analytic, the event that crossed its threshold)'),
  audit_id: z.string().describe("The event's audit id"),
  time: z.string().describe("The event's time (UTC ISO-8601): the finding's partition"),
  stage: z.string().describe("The event's stage"),
  event_level: z.enum(EVENT_LEVELS).nullable().describe("The event's audit level"),
  verb: text.describe("The event's verb"),
  request_uri: text.describe("The event's request URI, as stored (after redaction)"),
  user_name: text.describe('Who acted'),
  user_type: z.enum(USER_TYPES).nullable().describe('service_account, node, anonymous, system or user'),
  user_groups: z.array(z.string()).nullable().describe("The user's groups"),
  impersonated_user_name: text.describe('Who was impersonated, if anyone'),
  src_ip: text.describe('sourceIPs[0]'),
  src_peer_ip: text.describe('The last of sourceIPs: the connection peer'),
  user_agent: text.describe("The event's user agent"),
  object_api_group: text.describe('objectRef.apiGroup (`core` for the core group)'),
  object_resource: text.describe('objectRef.resource'),
  object_subresource: text.describe('objectRef.subresource'),
  object_namespace: text.describe('objectRef.namespace'),
  object_name: text.describe('objectRef.name'),
  response_code: z.number().int().nullable().describe('responseStatus.code'),
  outcome: z.enum(OUTCOMES).describe('success, failure or unknown'),
  platform: z.enum(PLATFORMS).describe('eks, aks or self_managed'),
  cloud_account_id: text.describe('AWS account or Azure subscription'),
  cloud_region: text.describe("The cluster's region, when known"),
  cluster_name: text.describe("The event's cluster name"),
  cluster_id: text.describe("The event's cluster id"),
});

export type Finding = z.infer<typeof FindingSchema>;
