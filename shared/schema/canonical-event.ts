/**
 * Canonical event `k8s_audit/1` (docs/contracts.md#canonical-event): one row per audit.k8s.io/v1 Event instance.
 * Flat snake_case; absent values are null; arrays and maps stay JSON.
 * Field order here is the column order of every generated artefact (JSON Schema, Glue table, DuckDB view).
 */
import * as z from 'zod';
import { CLOUD_PROVIDERS, LEVELS, OUTCOMES, PLATFORMS, SCHEMA_VERSION, SOURCE_TYPES, STAGES, USER_TYPES } from './vocabulary.ts';

const text = z.string().nullable();
const textList = z.array(z.string()).nullable();
// `format: date-time` types these columns as timestamps in Parquet and the query views.
const timestamp = z.string().meta({ format: 'date-time' }).describe('ISO-8601 UTC, source precision kept');

/** Where an event came from. Shared by canonical events and quarantine records. */
export const ProvenanceSchema = z.object({
  platform: z.enum(PLATFORMS).describe('eks, aks or self_managed'),
  cloud_provider: z.enum(CLOUD_PROVIDERS).describe('aws, azure or none'),
  cloud_account_id: text.describe('EKS: the CloudWatch payload owner (AWS account); AKS: subscription id from resourceId'),
  cloud_region: text.describe("EKS: the function's region; AKS: from configuration (KAUDIT_REGION), else null"),
  azure_resource_group: text.describe('AKS: resource group from resourceId, lower case'),
  cluster_name: text.describe('EKS: from /aws/eks/<name>/cluster; AKS: last resourceId segment, lower case; self-managed: configured'),
  cluster_id: text.describe('EKS: arn:aws:eks:<region>:<account>:cluster/<name>; AKS: lower-cased resourceId; self-managed: configured'),
  source_type: z.enum(SOURCE_TYPES).describe('cloudwatch_subscription, cloudwatch_api, firehose, eventhub, webhook or file'),
  source_stream: text.describe('EKS: <logGroup>/<logStream>; AKS: <namespace>/<hub>/<consumer group> when known; file: its path'),
  source_category: text.describe('AKS: diagnostic category (kube-audit, kube-audit-admin); EKS: log stream prefix'),
  source_partition: text.describe('Event Hubs partition'),
  source_offset: text.describe('Event Hubs sequence number (offset when no sequence); file: line number'),
  source_record_id: text.describe('CloudWatch logEvents[].id; Firehose recordId + index'),
  source_record_index: z.number().int().nullable().describe('Index inside logEvents[] / records[] / EventList items'),
  source_time: text.describe('CloudWatch log event timestamp; AKS record time; else Event Hubs enqueued time'),
  ingest_time: timestamp.describe('When kaudit received the batch'),
  normalizer_version: z.string().describe('kaudit package version that normalized the event'),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const CanonicalEventSchema = z.object({
  // Identity, time, request
  event_id: z
    .uuid()
    .describe(
      'Deterministic UUIDv5 of cluster, audit id, stage, timestamps, verb, URI and user (docs/contracts.md#event-id): the same event read through any path has the same id',
    ),
  schema_version: z.literal(SCHEMA_VERSION).describe('Always `k8s_audit/1`'),
  audit_id: z.string().describe('Event.auditID. Client-settable (Audit-ID header), so not unique alone'),
  time: timestamp.describe('Event.stageTimestamp (UTC, source precision). Partition key. From the envelope when truncation lost it'),
  start_time: text.describe('Event.requestReceivedTimestamp: the same for every stage of a request'),
  duration_ms: z.number().nullable().describe('time − start_time in milliseconds, microsecond precision (long for watches)'),
  stage: z.enum(STAGES).describe('Event.stage: RequestReceived, ResponseStarted, ResponseComplete or Panic'),
  level: z.enum(LEVELS).nullable().describe('Event.level: Metadata, Request or RequestResponse (lowered by a policy)'),
  verb: text.describe('Event.verb: the Kubernetes verb; for non-resource requests the lower-case HTTP method'),
  request_uri: text.describe('Event.requestURI, kept whole (the query carries exec `command=`)'),
  user_agent: text.describe('Event.userAgent'),
  is_resource_request: z.boolean().describe('True when the event has an objectRef'),
  // Target object
  object_api_group: text.describe('objectRef.apiGroup; the core group is written `core`'),
  object_api_version: text.describe('objectRef.apiVersion'),
  object_resource: text.describe('objectRef.resource, e.g. `pods`'),
  object_subresource: text.describe('objectRef.subresource, e.g. `exec`, `status`'),
  object_namespace: text.describe('objectRef.namespace'),
  object_name: text.describe('objectRef.name'),
  object_uid: text.describe('objectRef.uid'),
  object_resource_version: text.describe('objectRef.resourceVersion'),
  // Actor
  user_name: text.describe('Event.user.username'),
  user_uid: text.describe('Event.user.uid'),
  user_groups: textList.describe('Event.user.groups'),
  user_extra: z.record(z.string(), z.array(z.string())).nullable().describe('Event.user.extra, keys verbatim'),
  user_type: z
    .enum(USER_TYPES)
    .nullable()
    .describe(
      'service_account (system:serviceaccount:*), node (system:node:*), anonymous (system:anonymous or group system:unauthenticated), system (other system:*, eks:*, aksService, masterclient, nodeclient), else user',
    ),
  sa_namespace: text.describe('Namespace of a system:serviceaccount:NS:NAME user'),
  sa_name: text.describe('Name of a system:serviceaccount:NS:NAME user'),
  cloud_principal_arn: text.describe('EKS: user.extra.canonicalArn[0], else arn[0]'),
  cloud_principal_id: text.describe('EKS: user.extra.principalId[0]'),
  cloud_session_name: text.describe('EKS: user.extra.sessionName[0]'),
  cloud_access_key_id: text.describe('EKS: user.extra.accessKeyId[0]'),
  impersonated_user_name: text.describe('Event.impersonatedUser.username'),
  impersonated_user_groups: textList.describe('Event.impersonatedUser.groups'),
  // Source and outcome
  source_ips: textList.describe('Event.sourceIPs'),
  src_ip: text.describe('sourceIPs[0]: the conventional client IP (a client can set it through X-Forwarded-For)'),
  src_peer_ip: text.describe('The last of sourceIPs: the only entry a client cannot set; use it for allow-lists'),
  response_code: z.number().int().nullable().describe('responseStatus.code; null when absent or 0'),
  response_status: text.describe('responseStatus.status'),
  response_reason: text.describe('responseStatus.reason'),
  response_message: text.describe('responseStatus.message'),
  authz_decision: z.enum(['allow', 'forbid']).nullable().describe('annotations["authorization.k8s.io/decision"]: allow, forbid or null'),
  authz_reason: text.describe('annotations["authorization.k8s.io/reason"]'),
  outcome: z.enum(OUTCOMES).describe('failure if decision is forbid or code ≥ 400; success if 100 ≤ code < 400, or no code and decision allow; else unknown'),
  annotations: z.record(z.string(), z.string()).nullable().describe('Event.annotations, keys verbatim'),
  request_object: z.unknown().describe('Event.requestObject as JSON, after redaction (AKS may send the string skipped-too-big-size-object)'),
  response_object: z.unknown().describe('Event.responseObject as JSON, after redaction'),
  // Provenance
  ...ProvenanceSchema.shape,
  is_truncated: z.boolean().describe('The event was rebuilt from a truncated source line'),
  parse_warnings: z.array(z.string()).describe('Short notes on what was missing, mistyped or recovered'),
  raw_sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the original audit event text, before redaction'),
});

export type CanonicalEvent = z.infer<typeof CanonicalEventSchema>;
