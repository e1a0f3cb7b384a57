/**
 * The payload a CloudWatch Logs subscription delivers, once unwrapped from its transport (the
 * Lambda event's base64 gzip, ./subscription-envelope.ts; a Firehose record, sources/firehose):
 * its log events become source records with EKS provenance.
 */

import { countSkip, type DecodedBatch, emptyBatch, provenanceOf } from '../../core/decoded-batch.ts';
import { shortHash } from '../../core/digest.ts';
import { safeText } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { buildQuarantineRecord } from '../../core/quarantine.ts';
import { isoFromEpochMs } from '../../core/time.ts';
import type { Provenance } from '../../schema/canonical-event.ts';
import type { QuarantineReason } from '../../schema/quarantine-record.ts';
import { type EksStreamContext, eksStreamProvenance } from './eks-provenance.ts';

export interface CloudWatchContext extends EksStreamContext {
  limits: Limits;
  /** `source_record_id` of the log event at an index of `logEvents`, when not the log event's own id (Firehose: recordId + index). */
  recordIdOf?: (index: number) => string;
}

/** Streams of EKS's control-plane log group that carry audit events. */
export const EKS_AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';

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
    return invalidPayload(context, 'expected a CloudWatch Logs payload {messageType: DATA_MESSAGE|CONTROL_MESSAGE, logGroup, logStream, logEvents[]}', safeText(payload));
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
      batch.quarantined.push(buildQuarantineRecord(provenance, 'invalid_record', `logEvents[${index}].message: expected a string`, safeText(logEvent)));
    } else if (logEvent.message.length > context.limits.maxEventBytes) {
      batch.quarantined.push(
        buildQuarantineRecord(
          provenance,
          'limit_exceeded',
          `logEvents[${index}].message: ${logEvent.message.length} characters exceeds the event size limit of ${context.limits.maxEventBytes}`,
          logEvent.message,
        ),
      );
    } else {
      batch.records.push({ text: logEvent.message, provenance });
    }
  });
  return batch;
}

/**
 * A batch of one quarantine record for a payload (or its envelope) that is not what CloudWatch Logs
 * sends. `original`: the text received, when `raw` renders it (see buildQuarantineRecord).
 */
export function invalidPayload(
  context: CloudWatchContext,
  detail: string,
  raw: string | null,
  reason: QuarantineReason = 'invalid_payload',
  original: string | null = raw,
): DecodedBatch {
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
