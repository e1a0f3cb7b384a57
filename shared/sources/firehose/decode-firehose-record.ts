import { base64Bytes } from '../../core/base64.ts';
import { compressionOf, decompress, describeDecompressError, isDecompressLimitError } from '../../core/compression.ts';
import { type DecodedBatch, emptyBatch, mergeInto, provenanceOf } from '../../core/decoded-batch.ts';
import { shortHash } from '../../core/digest.ts';
import { splitJsonDocuments } from '../../core/json-documents.ts';
import { safeText } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { describeJsonError } from '../../core/partial-json.ts';
import { buildQuarantineRecord, rawTextOf, undecompressedRaw } from '../../core/quarantine.ts';
import { isoFromEpochMs } from '../../core/time.ts';
import type { Provenance } from '../../schema/canonical-event.ts';
import type { QuarantineReason } from '../../schema/quarantine-record.ts';
import { decodeCloudWatchPayload } from '../cloudwatch/cloudwatch-payload.ts';
import { type FirehoseRecord, FirehoseRecordSchema } from './firehose-event.ts';

export interface FirehoseDecodeContext {
  /** Region of the delivery stream, which is the log groups' region: needed for the cluster ARN. */
  region: string | null;
  ingestTime: string;
  limits: Limits;
}

/**
 * One Firehose record from a CloudWatch Logs subscription: base64 of gzip (or plain text) of one or more CloudWatch payloads written back to back. Each
 * payload decodes as the subscription path decodes it, with source_type `firehose` and
 * source_record_id `<recordId>:<n>` (n counts the record's log events across its payloads).
 * Never throws: what can't be decoded becomes quarantine records naming the recordId.
 */
export function decodeFirehoseRecord(record: FirehoseRecord, context: FirehoseDecodeContext): DecodedBatch {
  const text = recordText(record, context.limits);
  if ('error' in text) return recordProblem(record, context, text.error, text.raw, text.reason, record.data);

  const { documents, rest } = splitJsonDocuments(text.text);
  const parts: DecodedBatch[] = [];
  let logEventsBefore = 0;
  for (const [index, document] of documents.entries()) {
    let payload: unknown;
    try {
      payload = JSON.parse(document);
    } catch {
      parts.push(recordProblem(record, context, `payload ${index} is not JSON: ${describeJsonError(document)}`, document));
      continue;
    }
    const offset = logEventsBefore;
    const part = decodeCloudWatchPayload(payload, {
      region: context.region,
      ingestTime: context.ingestTime,
      limits: context.limits,
      sourceType: 'firehose',
      recordIdOf: (logEventIndex) => `${record.recordId}:${offset + logEventIndex}`,
    });
    parts.push(namingTheRecord(part, record, document));
    const logEvents = (payload as { logEvents?: unknown } | null)?.logEvents;
    if (Array.isArray(logEvents)) logEventsBefore += logEvents.length;
  }
  if (rest) parts.push(recordProblem(record, context, `after ${documents.length} payload(s): ${rest.problem}`, rest.text));

  // Keyed by what the record holds, not by its recordId: the same payloads replayed (with `kaudit ingest`) land on the same objects.
  const batch = emptyBatch(`fh-${shortHash(text.text)}`);
  for (const part of parts) mergeInto(batch, part);
  return batch;
}

/**
 * A payload quarantined as a whole (JSON that is not a CloudWatch Logs payload, too many log events)
 * names the record, as the record's other problems do: its recordId and arrival time, and the
 * payload's text as the record held it rather than re-serialized.
 */
function namingTheRecord(part: DecodedBatch, record: FirehoseRecord, document: string): DecodedBatch {
  part.quarantined = part.quarantined.map((quarantine) => {
    if (quarantine.source_record_id !== null) return quarantine;
    const { quarantine_id, reason, detail, raw, raw_sha256, time, ...provenance } = quarantine;
    const arrival = record.approximateArrivalTimestamp === undefined ? null : isoFromEpochMs(record.approximateArrivalTimestamp);
    return buildQuarantineRecord(
      { ...provenance, source_record_id: record.recordId, source_time: provenance.source_time ?? arrival },
      reason,
      `Firehose record ${record.recordId}: ${detail}`,
      raw === null ? null : document,
    );
  });
  return part;
}

/** The record's text, or why there is none with the raw text to keep: the decoded text, never the base64 (which the scrub cannot read). */
type RecordText = { text: string } | { error: string; raw: string; reason: QuarantineReason };

function recordText(record: FirehoseRecord, limits: Limits): RecordText {
  const bytes = base64Bytes(record.data);
  if (bytes === null) return { error: 'data is not base64', raw: record.data, reason: 'invalid_payload' };
  // Plain when Firehose's own CloudWatch Logs decompression is on.
  if (compressionOf(bytes) === null) {
    if (bytes.length > limits.maxDecodedBytes) {
      return { error: `data exceeds the payload limit of ${limits.maxDecodedBytes} bytes; raw is its text, not the base64`, raw: rawTextOf(bytes), reason: 'limit_exceeded' };
    }
    return { text: bytes.toString('utf8') };
  }
  try {
    return { text: decompress(bytes, limits.maxDecodedBytes).toString('utf8') };
  } catch (error) {
    const reason = isDecompressLimitError(error) ? 'limit_exceeded' : 'invalid_payload';
    const { raw, note } = undecompressedRaw(bytes, limits.maxDecodedBytes);
    return { error: `data could not be decompressed: ${describeDecompressError(error, limits.maxDecodedBytes)}; ${note}`, raw, reason };
  }
}

function recordProblem(
  record: FirehoseRecord,
  context: FirehoseDecodeContext,
  detail: string,
  raw: string,
  reason: QuarantineReason = 'invalid_payload',
  original: string = raw,
): DecodedBatch {
  const provenance: Provenance = provenanceOf({
    platform: 'eks',
    cloud_provider: 'aws',
    cloud_region: context.region,
    source_type: 'firehose',
    source_record_id: record.recordId,
    source_time: record.approximateArrivalTimestamp === undefined ? null : isoFromEpochMs(record.approximateArrivalTimestamp),
    ingest_time: context.ingestTime,
  });
  const batch = emptyBatch(`fh-invalid-${shortHash(original)}`);
  batch.quarantined.push(buildQuarantineRecord(provenance, reason, `Firehose record ${record.recordId}: ${detail}`, raw, original));
  return batch;
}

/**
 * A whole transformation event (`kaudit ingest` of a captured invocation): every record decoded
 * as the Lambda decodes it, in one batch. The event's own region stands in for a missing one.
 */
export function decodeFirehoseTransformationEvent(event: unknown, context: FirehoseDecodeContext): DecodedBatch {
  const fields = event as { region?: unknown; records?: unknown };
  const regional = { ...context, region: context.region ?? (typeof fields.region === 'string' ? fields.region : null) };
  const records = Array.isArray(fields.records) ? fields.records : [];
  const parts = records.map((record) => {
    const parsed = FirehoseRecordSchema.safeParse(record);
    if (parsed.success) return decodeFirehoseRecord(parsed.data, regional);
    const recordId = String((record as { recordId?: unknown } | null)?.recordId ?? '');
    return recordProblem({ recordId, data: '' }, regional, 'expected {recordId, data: "<base64>"}', safeText(record) ?? '');
  });
  const batch = emptyBatch(`fh-${shortHash(...parts.map((part) => part.batchKey))}`);
  for (const part of parts) mergeInto(batch, part);
  return batch;
}

/**
 * A record Firehose left under its error prefix (`processing-failed/`): the original record data
 * in `rawData`, replayed as the Lambda would have decoded it. The recordId is not kept there, so
 * the arrival time stands in for it.
 */
export function decodeFirehoseFailedRecord(document: unknown, context: FirehoseDecodeContext): DecodedBatch {
  const fields = document as { rawData: string; arrivalTimestamp?: unknown };
  const arrival = typeof fields.arrivalTimestamp === 'number' ? fields.arrivalTimestamp : undefined;
  return decodeFirehoseRecord({ recordId: `failed-${arrival ?? 'unknown'}`, data: fields.rawData, approximateArrivalTimestamp: arrival }, context);
}
