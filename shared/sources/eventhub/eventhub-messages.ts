/**
 * Event Hubs messages, the transport AKS diagnostic settings send through: each body (an object,
 * JSON text, or bytes a relay may have compressed) holds `{"records":[…]}`, whose records
 * ./aks-diagnostic-record.ts maps. One bad message is quarantined alone.
 */

import { compressionOf, decompress, describeDecompressError, isDecompressLimitError } from '../../core/compression.ts';
import { type DecodedBatch, emptyBatch, provenanceOf } from '../../core/decoded-batch.ts';
import { shortHash } from '../../core/digest.ts';
import { safeText, withoutBom } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { describeJsonError } from '../../core/partial-json.ts';
import { buildQuarantineRecord, undecompressedRaw } from '../../core/quarantine.ts';
import { toUtcIso } from '../../core/time.ts';
import type { QuarantineReason } from '../../schema/quarantine-record.ts';
import { decodeAksRecord } from './aks-diagnostic-record.ts';

/** One Event Hubs message with what the trigger knows of it. */
export interface EventHubMessage {
  /** The message body: `{"records":[…]}` as an object, JSON text, or bytes. */
  body: unknown;
  partition?: string | null;
  sequenceNumber?: string | number | bigint | null;
  offset?: string | number | null;
  enqueuedTime?: string | Date | null;
}

export interface EventHubContext {
  namespace?: string | null;
  hub?: string | null;
  consumerGroup?: string | null;
  /** AKS records don't name a region; deployments configure it. */
  region?: string | null;
  ingestTime: string;
  limits: Limits;
}

/**
 * A batch of Event Hubs messages from AKS diagnostic settings. One bad message is quarantined
 * alone; the rest of the batch goes on.
 */
export function decodeEventHubMessages(messages: readonly EventHubMessage[], context: EventHubContext): DecodedBatch {
  const batch = emptyBatch(eventHubBatchKey(messages, context));
  const stream = eventHubStream(context);
  messages.forEach((message, messageIndex) => {
    const base = provenanceOf({
      platform: 'aks',
      cloud_provider: 'azure',
      cloud_region: context.region ?? null,
      source_type: 'eventhub',
      source_stream: stream,
      source_partition: message.partition ?? null,
      source_offset: textOf(message.sequenceNumber ?? message.offset),
      source_time: enqueuedIso(message.enqueuedTime),
      ingest_time: context.ingestTime,
    });
    const records = readRecords(message.body, context.limits);
    if ('error' in records) {
      batch.quarantined.push(buildQuarantineRecord(base, records.reason, `message ${messageIndex}: ${records.error}`, records.raw, records.original));
      return;
    }
    records.records.forEach((record, recordIndex) =>
      decodeAksRecord(batch, record, { ...base, source_record_index: recordIndex }, `message ${messageIndex} records[${recordIndex}]`, context.limits),
    );
  });
  return batch;
}

type RecordsRead = { records: unknown[] } | RecordsProblem;
/** `original`: the body as received, when `raw` renders it (the text compressed bytes inflate to). */
type RecordsProblem = { error: string; raw: string | null; reason: QuarantineReason; original?: string };

function readRecords(body: unknown, limits: Limits): RecordsRead {
  let value = body;
  const bytes = Buffer.isBuffer(body) || body instanceof Uint8Array ? bytesText(Buffer.from(body), limits) : null;
  if (bytes !== null && typeof bytes !== 'string') return bytes;
  const text = bytes ?? body;
  if (typeof text === 'string') {
    if (text.length > limits.maxDecodedBytes) return { error: `body exceeds the payload limit of ${limits.maxDecodedBytes} bytes`, raw: text, reason: 'limit_exceeded' };
    const json = withoutBom(text);
    try {
      value = JSON.parse(json);
    } catch {
      return { error: `body is not JSON: ${describeJsonError(json)}`, raw: text, reason: 'invalid_payload' };
    }
  }
  const records = (value as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) return { error: 'expected a body {"records":[…]}', raw: safeText(value), reason: 'invalid_payload' };
  if (records.length > limits.maxRecordsPerBatch)
    return { error: `${records.length} records exceed the limit of ${limits.maxRecordsPerBatch}`, raw: safeText(value), reason: 'limit_exceeded' };
  return { records };
}

/** A bytes body as text: UTF-8, inflated first when a relay compressed it (gzip or zlib). */
function bytesText(bytes: Buffer, limits: Limits): string | RecordsProblem {
  if (compressionOf(bytes) === null) return bytes.toString('utf8');
  try {
    return decompress(bytes, limits.maxDecodedBytes).toString('utf8');
  } catch (error) {
    const { raw, note } = undecompressedRaw(bytes, limits.maxDecodedBytes);
    const reason = isDecompressLimitError(error) ? 'limit_exceeded' : 'invalid_payload';
    return { error: `body could not be decompressed: ${describeDecompressError(error, limits.maxDecodedBytes)}; ${note}`, raw, reason, original: bytes.toString('base64') };
  }
}

function eventHubStream(context: EventHubContext): string | null {
  if (!context.namespace && !context.hub) return null;
  return [context.namespace ?? '', context.hub ?? '', context.consumerGroup ?? '$Default'].join('/');
}

/** Partition + first/last sequence number when the trigger gives them, else the bodies' hash. */
function eventHubBatchKey(messages: readonly EventHubMessage[], context: EventHubContext): string {
  const first = messages[0];
  const last = messages.at(-1);
  const firstSeq = textOf(first?.sequenceNumber ?? first?.offset);
  const lastSeq = textOf(last?.sequenceNumber ?? last?.offset);
  if (first?.partition != null && firstSeq !== null && lastSeq !== null) {
    const hub = shortHash(context.namespace, context.hub, context.consumerGroup).slice(0, 12);
    return `eh-${hub}-p${safeName(first.partition)}-${safeName(firstSeq)}-${safeName(lastSeq)}`;
  }
  return `eh-${shortHash(...messages.map((message) => bodyText(message.body)))}`;
}

/** A message body as text: bytes as UTF-8, a parsed body as its JSON. */
export function bodyText(body: unknown): string | null {
  return Buffer.isBuffer(body) || body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : safeText(body);
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function textOf(value: string | number | bigint | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function enqueuedIso(value: string | Date | null | undefined): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string') return null;
  return toUtcIso(value) ?? (Number.isNaN(Date.parse(value)) ? null : new Date(value).toISOString());
}
