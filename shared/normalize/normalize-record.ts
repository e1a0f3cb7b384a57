import { sha256Hex } from '../core/digest.ts';
import { eventId } from '../core/event-id.ts';
import { nestsDeeperThan, opensAtMost, safeText } from '../core/json-text.ts';
import { MAX_JSON_DEPTH } from '../core/limits.ts';
import { buildQuarantineRecord } from '../core/quarantine.ts';
import { readAuditEventText } from '../core/read-audit-text.ts';
import type { SourceRecord } from '../core/source-record.ts';
import { durationMs, toUtcIso } from '../core/time.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { QuarantineReason, QuarantineRecord } from '../schema/quarantine-record.ts';
import { LEVELS, SCHEMA_VERSION, STAGES } from '../schema/vocabulary.ts';
import { classifyUser, cloudPrincipalOf, outcomeOf, serviceAccountOf } from './actor.ts';
import { FieldReader } from './field-reader.ts';

export type NormalizeResult = { ok: true; event: CanonicalEvent } | { ok: false; quarantine: QuarantineRecord };

const STAGE_SET: ReadonlySet<string> = new Set(STAGES);
const LEVEL_SET: ReadonlySet<string> = new Set(LEVELS);

/**
 * One source record → one canonical event (docs/contracts.md#canonical-event, #event-id), or a quarantine record saying why not.
 * Never throws on bad data.
 */
export function normalizeRecord(record: SourceRecord): NormalizeResult {
  const rawText = record.text ?? safeText(record.value) ?? 'null';
  const found = auditEventOf(record);
  if ('reason' in found) return { ok: false, quarantine: buildQuarantineRecord(record.provenance, found.reason, found.detail, rawText) };
  return { ok: true, event: buildCanonicalEvent(found.event, found.auditId, found.stage, record, rawText, found.truncated) };
}

type AuditEventFound = { event: Record<string, unknown>; auditId: string; stage: CanonicalEvent['stage']; truncated: boolean } | { reason: QuarantineReason; detail: string };

/** The audit event a record holds, with the fields every event must have, or why it holds none. */
function auditEventOf(record: SourceRecord): AuditEventFound {
  const read = record.value !== undefined ? { value: record.value, truncated: false } : readAuditEventText(record.text ?? '');
  if ('error' in read) return { reason: read.reason, detail: read.error };
  // Checked before anything describes or serializes the value: both recurse, and would overflow the stack.
  if (nestsTooDeep(record, read.value)) return { reason: 'limit_exceeded', detail: `JSON nested more than ${MAX_JSON_DEPTH} levels deep` };

  const { value, truncated } = read;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: 'not_audit_event', detail: `expected an audit.k8s.io Event object, got ${Array.isArray(value) ? 'array' : typeof value}` };
  }
  const event = value as Record<string, unknown>;
  const notAuditEvent = auditEventMismatch(event);
  if (notAuditEvent) return { reason: 'not_audit_event', detail: notAuditEvent };

  const auditId = event.auditID;
  const stage = event.stage;
  if (typeof auditId !== 'string' || auditId === '' || typeof stage !== 'string' || !STAGE_SET.has(stage)) {
    const detail = `expected auditID (non-empty string) and stage (one of ${STAGES.join(', ')}); got auditID ${describe(auditId)}, stage ${describe(stage)}`;
    return { reason: truncated ? 'truncated_unrecoverable' : 'invalid_event', detail };
  }
  return { event, auditId, stage: stage as CanonicalEvent['stage'], truncated };
}

function buildCanonicalEvent(
  event: Record<string, unknown>,
  auditId: string,
  stage: CanonicalEvent['stage'],
  record: SourceRecord,
  rawText: string,
  truncated: boolean,
): CanonicalEvent {
  const provenance = record.provenance;
  const read = new FieldReader();
  if (truncated) read.warnings.push('truncated: rebuilt from the surviving prefix');

  const sourceStageTimestamp = read.string(event.stageTimestamp, 'stageTimestamp');
  const sourceStartTimestamp = read.string(event.requestReceivedTimestamp, 'requestReceivedTimestamp');
  const { time, fromEnvelope } = eventTime(sourceStageTimestamp, record, read);
  const startTime = sourceStartTimestamp === null ? null : utcOrWarn(sourceStartTimestamp, 'requestReceivedTimestamp', read);
  if (sourceStartTimestamp === null && truncated) read.warnings.push('requestReceivedTimestamp lost to truncation');

  const levelText = read.string(event.level, 'level');
  const level = levelText !== null && LEVEL_SET.has(levelText) ? (levelText as CanonicalEvent['level']) : null;
  if (levelText !== null && level === null) read.warnings.push(`level: unknown value ${JSON.stringify(levelText).slice(0, 40)}`);

  const objectRef = read.record(event.objectRef, 'objectRef');
  const isResourceRequest = objectRef !== null;
  const verbText = read.string(event.verb, 'verb');
  const verb = verbText !== null && !isResourceRequest ? verbText.toLowerCase() : verbText;
  const requestUri = read.string(event.requestURI, 'requestURI');

  const user = read.record(event.user, 'user');
  const userName = read.string(user?.username, 'user.username');
  const userGroups = read.stringList(user?.groups, 'user.groups');
  const userExtra = read.stringMap(user?.extra, 'user.extra', stringListEntry);
  const impersonated = read.record(event.impersonatedUser, 'impersonatedUser');

  const sourceIps = read.stringList(event.sourceIPs, 'sourceIPs');
  const responseStatus = read.record(event.responseStatus, 'responseStatus');
  const code = read.integer(responseStatus?.code, 'responseStatus.code');
  const responseCode = code === 0 ? null : code;
  const annotations = read.stringMap(event.annotations, 'annotations', stringEntry);
  const decisionText = annotations?.['authorization.k8s.io/decision'] ?? null;
  const decision = decisionText === 'allow' || decisionText === 'forbid' ? decisionText : null;

  const objectGroup = objectRef ? read.string(objectRef.apiGroup, 'objectRef.apiGroup') : null;

  return {
    event_id: eventId({
      cluster_id: provenance.cluster_id,
      audit_id: auditId,
      stage,
      start_time: sourceStartTimestamp,
      time: sourceStageTimestamp,
      verb: verbText,
      request_uri: requestUri,
      user_name: userName,
    }),
    schema_version: SCHEMA_VERSION,
    audit_id: auditId,
    time,
    start_time: startTime,
    // Measured to an envelope's time, a duration would describe delivery, not the request.
    duration_ms: startTime === null || fromEnvelope ? null : durationMs(startTime, time),
    stage,
    level,
    verb,
    request_uri: requestUri,
    user_agent: read.string(event.userAgent, 'userAgent'),
    is_resource_request: isResourceRequest,
    object_api_group: objectRef ? (objectGroup === null || objectGroup === '' ? 'core' : objectGroup) : null,
    object_api_version: read.nonEmptyString(objectRef?.apiVersion, 'objectRef.apiVersion'),
    object_resource: read.nonEmptyString(objectRef?.resource, 'objectRef.resource'),
    object_subresource: read.nonEmptyString(objectRef?.subresource, 'objectRef.subresource'),
    object_namespace: read.nonEmptyString(objectRef?.namespace, 'objectRef.namespace'),
    object_name: read.nonEmptyString(objectRef?.name, 'objectRef.name'),
    object_uid: read.nonEmptyString(objectRef?.uid, 'objectRef.uid'),
    object_resource_version: read.nonEmptyString(objectRef?.resourceVersion, 'objectRef.resourceVersion'),
    user_name: userName,
    user_uid: read.nonEmptyString(user?.uid, 'user.uid'),
    user_groups: userGroups,
    user_extra: userExtra,
    user_type: classifyUser(userName, userGroups),
    ...serviceAccountOf(userName),
    ...cloudPrincipalOf(userExtra),
    impersonated_user_name: read.string(impersonated?.username, 'impersonatedUser.username'),
    impersonated_user_groups: read.stringList(impersonated?.groups, 'impersonatedUser.groups'),
    source_ips: sourceIps,
    src_ip: sourceIps?.[0] ?? null,
    src_peer_ip: sourceIps?.at(-1) ?? null,
    response_code: responseCode,
    response_status: read.nonEmptyString(responseStatus?.status, 'responseStatus.status'),
    response_reason: read.nonEmptyString(responseStatus?.reason, 'responseStatus.reason'),
    response_message: read.nonEmptyString(responseStatus?.message, 'responseStatus.message'),
    authz_decision: decision,
    // Authorizers that give no reason write "" (the node authorizer, EKS and AKS on forbid).
    authz_reason: annotations?.['authorization.k8s.io/reason'] || null,
    outcome: outcomeOf(decision, responseCode),
    annotations,
    request_object: event.requestObject ?? null,
    response_object: event.responseObject ?? null,
    ...provenance,
    is_truncated: truncated,
    parse_warnings: read.warnings,
    raw_sha256: sha256Hex(rawText),
  };
}

/** Whether the value nests past MAX_JSON_DEPTH. Its text, when the record has one, answers without a walk. */
function nestsTooDeep(record: SourceRecord, value: unknown): boolean {
  if (record.text !== null && opensAtMost(record.text, MAX_JSON_DEPTH)) return false;
  return nestsDeeperThan(value, MAX_JSON_DEPTH);
}

// Entry readers for FieldReader.stringMap, at module level so that no closure is made per event.
function stringListEntry(entry: unknown, path: string, read: FieldReader): string[] | null {
  return read.stringList(entry, path);
}

function stringEntry(entry: unknown, path: string, read: FieldReader): string | null {
  return read.string(entry, path);
}

/** The event's `time`: stageTimestamp in UTC, else the envelope's time, saying so. */
function eventTime(sourceStageTimestamp: string | null, record: SourceRecord, read: FieldReader): { time: string; fromEnvelope: boolean } {
  const fromSource = sourceStageTimestamp === null ? null : utcOrWarn(sourceStageTimestamp, 'stageTimestamp', read);
  if (fromSource !== null) return { time: fromSource, fromEnvelope: false };
  const { source_time: sourceTime, ingest_time: ingestTime } = record.provenance;
  const why = sourceStageTimestamp === null ? 'missing' : 'unusable';
  read.warnings.push(`stageTimestamp ${why}: time taken from ${sourceTime ? 'source_time' : 'ingest_time'}`);
  return { time: sourceTime ?? ingestTime, fromEnvelope: true };
}

function utcOrWarn(value: string, path: string, read: FieldReader): string | null {
  const utc = toUtcIso(value);
  if (utc === null) read.warnings.push(`${path}: not an ISO-8601 timestamp`);
  return utc;
}

/** Why a JSON object is not an audit.k8s.io Event, or null when it may be one. */
function auditEventMismatch(event: Record<string, unknown>): string | null {
  const { kind, apiVersion } = event;
  if (kind !== undefined && kind !== 'Event') return `expected kind "Event", got ${describe(kind)}`;
  if (apiVersion !== undefined && !(typeof apiVersion === 'string' && apiVersion.startsWith('audit.k8s.io/'))) {
    return `expected apiVersion audit.k8s.io/*, got ${describe(apiVersion)}`;
  }
  if (kind === undefined && !('auditID' in event) && !('stage' in event)) {
    return 'expected an audit.k8s.io Event (kind, auditID, stage), found none of them';
  }
  return null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
