import { z } from 'zod';

/**
 * Canonical event `k8s_audit/1` (SPEC §1): one row per audit.k8s.io/v1 Event instance.
 * Flat snake_case; absent values are null; arrays and maps stay JSON.
 * Field order here is the column order of every generated artefact (JSON Schema, Glue table, DuckDB view).
 */
export const SCHEMA_VERSION = 'k8s_audit/1' as const;

const text = z.string().nullable();
const textList = z.array(z.string()).nullable();
const timestamp = z.string().describe('ISO-8601 UTC, source precision kept');

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export const USER_TYPES = ['service_account', 'node', 'anonymous', 'system', 'user'] as const;
export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export const PLATFORMS = ['eks', 'aks', 'self_managed'] as const;
export const CLOUD_PROVIDERS = ['aws', 'azure', 'none'] as const;
export const SOURCE_TYPES = [
  'cloudwatch_subscription',
  'cloudwatch_api',
  'firehose',
  'eventhub',
  'webhook',
  'file',
] as const;

/** Where an event came from. Shared by canonical events and quarantine records. */
export const ProvenanceSchema = z.object({
  platform: z.enum(PLATFORMS),
  cloud_provider: z.enum(CLOUD_PROVIDERS),
  cloud_account_id: text.describe('EKS: CloudWatch owner; AKS: subscription id from resourceId'),
  cloud_region: text.describe("EKS: the function's region; AKS: from configuration"),
  azure_resource_group: text.describe('AKS: from resourceId, lower case'),
  cluster_name: text,
  cluster_id: text.describe('EKS cluster ARN; AKS lower-cased resourceId; self-managed: configured'),
  source_type: z.enum(SOURCE_TYPES),
  source_stream: text.describe('EKS <logGroup>/<logStream>; AKS <namespace>/<hub>/<consumer group>; file path'),
  source_category: text.describe('AKS category; EKS log stream prefix'),
  source_partition: text.describe('Event Hub partition'),
  source_offset: text.describe('Event Hub sequence number (offset when no sequence); file line number'),
  source_record_id: text.describe('CloudWatch logEvents[].id; Firehose recordId + index'),
  source_record_index: z.number().int().nullable().describe('index inside logEvents[] / records[]'),
  source_time: text.describe('CloudWatch event timestamp; AKS record time; Event Hub enqueued time'),
  ingest_time: timestamp.describe('when kaudit received the batch'),
  normalizer_version: z.string().describe('kaudit package version'),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const CanonicalEventSchema = z.object({
  // Identity, time, request
  event_id: z.uuid().describe('deterministic UUIDv5, SPEC §2'),
  schema_version: z.literal(SCHEMA_VERSION),
  audit_id: z.string().describe('Event.auditID; client-settable, not unique alone'),
  time: timestamp.describe('Event.stageTimestamp; partition key'),
  start_time: text.describe('Event.requestReceivedTimestamp'),
  duration_ms: z.number().nullable().describe('time - start_time'),
  stage: z.enum(STAGES),
  level: z.enum(LEVELS).nullable(),
  verb: text.describe('k8s verb; lower-case HTTP method for non-resource requests'),
  request_uri: text,
  user_agent: text,
  is_resource_request: z.boolean().describe('objectRef present'),
  // Target object
  object_api_group: text.describe('objectRef.apiGroup; the core group is written core'),
  object_api_version: text,
  object_resource: text,
  object_subresource: text,
  object_namespace: text,
  object_name: text,
  object_uid: text,
  object_resource_version: text,
  // Actor
  user_name: text,
  user_uid: text,
  user_groups: textList,
  user_extra: z.record(z.string(), z.array(z.string())).nullable(),
  user_type: z.enum(USER_TYPES).nullable(),
  sa_namespace: text,
  sa_name: text,
  cloud_principal_arn: text,
  cloud_principal_id: text,
  cloud_session_name: text,
  cloud_access_key_id: text,
  impersonated_user_name: text,
  impersonated_user_groups: textList,
  // Source and outcome
  source_ips: textList,
  src_ip: text.describe('sourceIPs[0]'),
  src_peer_ip: text.describe('last of sourceIPs: the only entry a client cannot set'),
  response_code: z.number().int().nullable(),
  response_status: text,
  response_reason: text,
  response_message: text,
  authz_decision: z.enum(['allow', 'forbid']).nullable(),
  authz_reason: text,
  outcome: z.enum(OUTCOMES),
  annotations: z.record(z.string(), z.string()).nullable(),
  request_object: z.unknown().describe('JSON after redaction, or null'),
  response_object: z.unknown().describe('JSON after redaction, or null'),
  // Provenance
  ...ProvenanceSchema.shape,
  is_truncated: z.boolean(),
  parse_warnings: z.array(z.string()),
  raw_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CanonicalEvent = z.infer<typeof CanonicalEventSchema>;

export const CANONICAL_FIELDS = Object.keys(CanonicalEventSchema.shape) as (keyof CanonicalEvent)[];
