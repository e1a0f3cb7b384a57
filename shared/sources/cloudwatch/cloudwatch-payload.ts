import type { Provenance } from '../../schema/canonical-event.ts';
import type { QuarantineReason } from '../../schema/quarantine-record.ts';
import { describeJsonError } from '../../core/partial-json.ts';
import { buildQuarantineRecord, undecompressedRaw } from '../../core/quarantine.ts';
import { isoFromEpochMs } from '../../core/time.ts';
import type { Limits } from '../../core/limits.ts';
import { decompress, describeDecompressError, isDecompressLimitError } from '../../core/compression.ts';
import { base64Bytes } from '../../core/base64.ts';
import { safeText } from '../../core/json-text.ts';
import { countSkip, emptyBatch, provenanceOf, shortHash, type DecodedBatch } from '../../core/decoded-batch.ts';

export interface CloudWatchContext {
  /** The AWS region the log group is in: needed for the cluster ARN. */
  region: string | null;
  ingestTime: string;
  limits: Limits;
  sourceType?: Extract<Provenance['source_type'], 'cloudwatch_subscription' | 'cloudwatch_api' | 'firehose'>;
  /** `source_record_id` of the log event at an index of `logEvents`, when not the log event's own id (Firehose: recordId + index). */
  recordIdOf?: (index: number) => string;
}

/** Streams of EKS's control-plane log group that carry audit events. */
export const EKS_AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';
const EKS_LOG_GROUP = /^\/aws\/eks\/([^/]+)\/cluster$/;
/** A log group given as its ARN, as the CloudWatch Logs API and some forwarders name it: region, account, name. */
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/;

/**
 * A CloudWatch Logs subscription's Lambda event, `{"awslogs":{"data": base64(gzip(JSON))}}`.
 * Never throws: a payload that can't be decoded becomes one quarantine record.
 */
export function decodeCloudWatchSubscription(event: unknown, context: CloudWatchContext): DecodedBatch {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  const fail = (detail: string, raw: string | null) => invalidPayload(context, detail, raw);
  if (typeof data !== 'string') return fail('expected a CloudWatch Logs subscription event {"awslogs":{"data":"<base64>"}}', safeText(event));
  const bytes = base64Bytes(data);
  if (bytes === null) return fail('awslogs.data is not base64', data);
  let json: string;
  try {
    json = decompress(bytes, context.limits.maxDecodedBytes).toString('utf8');
  } catch (error) {
    const { raw, note } = undecompressedRaw(bytes, context.limits.maxDecodedBytes);
    const detail = `awslogs.data could not be decompressed: ${describeDecompressError(error, context.limits.maxDecodedBytes)}; ${note}`;
    return invalidPayload(context, detail, raw, isDecompressLimitError(error) ? 'limit_exceeded' : 'invalid_payload', data);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return fail(`decompressed awslogs.data is not JSON: ${describeJsonError(json)}`, json);
  }
  return decodeCloudWatchPayload(payload, context);
}

interface LogEvent {
  id?: unknown;
  timestamp?: unknown;
  message?: unknown;
}

/**
 * A decoded CloudWatch Logs subscription payload (`messageType`, `logGroup`, `logStream`,
 * `logEvents`). Control messages and non-audit streams are skipped and counted.
 */
export function decodeCloudWatchPayload(payload: unknown, context: CloudWatchContext): DecodedBatch {
  const body = (payload ?? {}) as Record<string, unknown>;
  if (body.messageType === 'CONTROL_MESSAGE') {
    const batch = emptyBatch(`cwl-${shortHash('control', body.logGroup, body.logStream, body.logEvents)}`);
    countSkip(batch, 'control_message');
    return batch;
  }
  const { logGroup, logStream, owner, logEvents } = body;
  if (body.messageType !== 'DATA_MESSAGE' || typeof logGroup !== 'string' || typeof logStream !== 'string' || !Array.isArray(logEvents)) {
    return invalidPayload(
      context,
      'expected a CloudWatch Logs payload {messageType: DATA_MESSAGE|CONTROL_MESSAGE, logGroup, logStream, logEvents[]}',
      safeText(payload),
    );
  }
  const events = logEvents as LogEvent[];
  const batch = emptyBatch(`cwl-${shortHash(logGroup, logStream, events[0]?.id, events.at(-1)?.id)}`);
  const stream = eksStreamProvenance(logGroup, logStream, typeof owner === 'string' ? owner : null, context);
  if (events.length > context.limits.maxRecordsPerBatch) {
    const detail = `logEvents holds ${events.length} log events, over the limit of ${context.limits.maxRecordsPerBatch} per batch`;
    batch.quarantined.push(buildQuarantineRecord(stream, 'limit_exceeded', detail, null));
    return batch;
  }
  if (!logStream.startsWith(EKS_AUDIT_STREAM_PREFIX)) {
    countSkip(batch, 'not_audit_stream', events.length);
    return batch;
  }
  events.forEach((logEvent, index) => {
    const provenance: Provenance = {
      ...stream,
      source_record_id: context.recordIdOf?.(index) ?? (typeof logEvent?.id === 'string' ? logEvent.id : null),
      source_record_index: index,
      source_time: typeof logEvent?.timestamp === 'number' ? isoFromEpochMs(logEvent.timestamp) : null,
    };
    if (typeof logEvent?.message !== 'string') {
      batch.quarantined.push(
        buildQuarantineRecord(provenance, 'invalid_record', `logEvents[${index}].message: expected a string`, safeText(logEvent)),
      );
    } else if (logEvent.message.length > context.limits.maxEventBytes) {
      batch.quarantined.push(
        buildQuarantineRecord(provenance, 'limit_exceeded', `logEvents[${index}].message: ${logEvent.message.length} characters exceeds the event size limit of ${context.limits.maxEventBytes}`, logEvent.message),
      );
    } else {
      batch.records.push({ text: logEvent.message, provenance });
    }
  });
  return batch;
}

/** Provenance shared by every event of one EKS log stream. */
export function eksStreamProvenance(logGroup: string, logStream: string, owner: string | null, context: CloudWatchContext): Provenance {
  const arn = LOG_GROUP_ARN.exec(logGroup);
  const clusterName = EKS_LOG_GROUP.exec(arn?.[3] ?? logGroup)?.[1] ?? null;
  // The ARN's region is the cluster's own; the function's region only stands in for it.
  const region = arn?.[1] ?? context.region;
  const account = owner ?? arn?.[2] ?? null;
  return provenanceOf({
    platform: 'eks',
    cloud_provider: 'aws',
    cloud_account_id: account,
    cloud_region: region,
    cluster_name: clusterName,
    cluster_id: clusterName && region && account ? `arn:aws:eks:${region}:${account}:cluster/${clusterName}` : null,
    source_type: context.sourceType ?? 'cloudwatch_subscription',
    source_stream: `${logGroup}/${logStream}`,
    source_category: streamPrefix(logStream),
    ingest_time: context.ingestTime,
  });
}

/** `kube-apiserver-audit` of `kube-apiserver-audit-0123abcd…`: the stream name without its instance id. */
function streamPrefix(logStream: string): string {
  return /^(.+?)-[0-9a-f]{8,}$/.exec(logStream)?.[1] ?? logStream;
}

/** `original`: the text received, when `raw` renders it (see buildQuarantineRecord). */
function invalidPayload(context: CloudWatchContext, detail: string, raw: string | null, reason: QuarantineReason = 'invalid_payload', original: string | null = raw): DecodedBatch {
  const batch = emptyBatch(`cwl-invalid-${shortHash(original)}`);
  const provenance = provenanceOf({
    platform: 'eks',
    cloud_provider: 'aws',
    cloud_region: context.region,
    source_type: context.sourceType ?? 'cloudwatch_subscription',
    ingest_time: context.ingestTime,
  });
  batch.quarantined.push(buildQuarantineRecord(provenance, reason, detail, raw, original));
  return batch;
}
