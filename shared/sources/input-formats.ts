import { describeDecompressError, gunzipIfGzip } from '../core/compression.ts';
import { type DecodedBatch, emptyBatch, partKey } from '../core/decoded-batch.ts';
import { shortHash } from '../core/digest.ts';
import { parseOrUndefined, safeText, withoutBom } from '../core/json-text.ts';
import type { Limits } from '../core/limits.ts';
import { isDeadLetterDocument, parseDeadLetterDocument } from '../runtime/dead-letter-schema.ts';
import { type AuditLogContext, decodeAuditEventList, decodeAuditLogLines } from './audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from './cloudwatch/cloudwatch-payload.ts';
import { isLambdaDestinationRecord, type LambdaDestinationRecord, readLambdaDestinationRecord } from './cloudwatch/lambda-destination.ts';
import { decodeCloudWatchSubscription } from './cloudwatch/subscription-envelope.ts';
import { replayDeadLetter } from './dead-letter-replay.ts';
import { decodeEventHubMessages } from './eventhub/eventhub-messages.ts';
import { decodeFirehoseFailedRecord, decodeFirehoseTransformationEvent } from './firehose/decode-firehose-record.ts';
import { isFirehoseFailedRecord, isFirehoseTransformationEvent } from './firehose/firehose-event.ts';

/** JSON documents `kaudit ingest` recognises (docs/contracts.md#cli-ingest). */
type DocumentFormat =
  | 'cloudwatch-subscription-event'
  | 'cloudwatch-payload'
  | 'eventhub-body'
  | 'eventhub-body-array'
  | 'aks-diagnostic-record'
  | 'audit-event-list'
  | 'audit-event'
  | 'firehose-transformation-event'
  | 'firehose-failed-record'
  | ReplayFormat;

/** What failed deliveries leave behind, replayed by decoding the delivery they hold. */
type ReplayFormat = 'lambda-destination-record' | 'kaudit-dead-letter';

/** Every input format: a document, audit events one per line, or documents one per line. */
export type InputFormat = DocumentFormat | 'audit-log' | 'envelope-lines';

export interface InputContext {
  /** Name of the input for provenance and messages: a path, or `-`. */
  name: string;
  region: string | null;
  clusterName: string | null;
  clusterId: string | null;
  ingestTime: string;
  limits: Limits;
}

export type DetectedInput = { format: InputFormat; batches: DecodedBatch[] } | { error: string; usage?: boolean };

/**
 * Recognises one input's format and decodes it. An input that is none of the formats is an
 * error naming what was expected; input that is a format but holds bad records decodes, with
 * those records quarantined.
 */
export function decodeInput(data: Buffer, context: InputContext): DetectedInput {
  let text: string;
  try {
    text = gunzipIfGzip(data, context.limits.maxDecodedBytes).toString('utf8');
  } catch (error) {
    return { error: `gzip input could not be decompressed: ${describeDecompressError(error, context.limits.maxDecodedBytes)}` };
  }
  return decodeText(text, context);
}

/** {@link decodeInput} of input already decompressed and decoded as text. */
export function decodeText(decoded: string, context: InputContext): DetectedInput {
  const text = withoutBom(decoded);
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return { error: text.trim() === '' ? 'input is empty' : NOT_JSON };
  const document = parseOrUndefined(text);
  if (document !== undefined) return decodeDocument(document, text, context);
  try {
    return decodeLines(text, context);
  } catch (error) {
    if (error instanceof InputLineError) return { error: error.message, usage: error.usage };
    throw error;
  }
}

export const NOT_JSON = 'not JSON: expected a CloudWatch, Event Hubs or audit.k8s.io JSON document, or JSON lines';

function decodeDocument(document: unknown, text: string, context: InputContext): DetectedInput {
  const format = formatOf(document);
  if (format === null) {
    return {
      error:
        'unrecognised JSON: expected a CloudWatch Logs subscription event ({"awslogs":…}), a CloudWatch payload ({"messageType":…}), ' +
        'an Event Hubs body ({"records":[…]}) or an array of them, an audit EventList, audit events, ' +
        'a Lambda on-failure destination record ({"requestPayload":…}), a kaudit dead-letter file, ' +
        'or a Firehose transformation event ({"deliveryStreamArn":…,"records":[{"recordId":…}]}) or error-prefix record ({"rawData":…})',
    };
  }
  if (format === 'lambda-destination-record' || format === 'kaudit-dead-letter') return decodeReplay(format, document, context);
  if ((format === 'cloudwatch-subscription-event' || format === 'cloudwatch-payload' || format === 'firehose-failed-record') && !context.region) {
    return { error: 'EKS input needs --region (or AWS_REGION): the cluster id is arn:aws:eks:<region>:<account>:cluster/<name>', usage: true };
  }
  if (format === 'audit-event-list') return { format, batches: [...decodeAuditEventList(document, auditLogContext(context), `file-${shortHash(text)}`)] };
  return { format, batches: [decodeAs(format, document, text, context)] };
}

function decodeReplay(format: ReplayFormat, document: unknown, context: InputContext): DetectedInput {
  if (format === 'kaudit-dead-letter') {
    const parsed = parseDeadLetterDocument(document);
    return 'error' in parsed ? { error: parsed.error } : { format, batches: [replayDeadLetter(parsed.file, context.ingestTime, context.limits)] };
  }
  const record = readLambdaDestinationRecord(document) as LambdaDestinationRecord;
  // One level only: a record wrapped in records is no delivery Lambda makes, and must not recurse without end.
  if (isLambdaDestinationRecord(record.requestPayload)) return { error: 'requestPayload is itself a Lambda destination record' };
  // The region in the failed function's ARN wins over --region: it is the one the function would have
  // put in the cluster id, and so in the event ids that let a replay find what is already stored.
  const inner = decodeDocument(record.requestPayload, safeText(record.requestPayload) ?? '', { ...context, region: record.region ?? context.region });
  return 'error' in inner ? { ...inner, error: `requestPayload: ${inner.error}` } : { format, batches: inner.batches };
}

function decodeAs(format: Exclude<DocumentFormat, ReplayFormat | 'audit-event-list'>, document: unknown, text: string, context: InputContext): DecodedBatch {
  const cloud = { region: context.region, ingestTime: context.ingestTime, limits: context.limits };
  const auditLog = auditLogContext(context);
  switch (format) {
    case 'cloudwatch-subscription-event':
      return decodeCloudWatchSubscription(document, cloud);
    case 'cloudwatch-payload':
      return decodeCloudWatchPayload(document, cloud);
    case 'eventhub-body':
      return decodeEventHubMessages([{ body: document }], cloud);
    case 'eventhub-body-array':
      return decodeEventHubMessages(
        (document as unknown[]).map((body) => ({ body })),
        cloud,
      );
    case 'aks-diagnostic-record':
      return decodeEventHubMessages([{ body: { records: [document] } }], cloud);
    case 'audit-event':
      // One event, perhaps pretty-printed: stored as the single line the log backend would write.
      return decodeAuditLogLines(text.trim().includes('\n') ? (safeText(document) ?? text) : text, auditLog);
    case 'firehose-transformation-event':
      return decodeFirehoseTransformationEvent(document, cloud);
    case 'firehose-failed-record':
      return decodeFirehoseFailedRecord(document, cloud);
  }
}

/**
 * JSON lines: audit events (the log backend) and envelopes (CloudWatch payloads as Firehose
 * writes them, AKS diagnostic records), in any mix. Audit event lines form one batch keyed by
 * the file's content, keeping their line numbers; each envelope line decodes as its own batch.
 */
function decodeLines(text: string, context: InputContext): DetectedInput {
  const lines = text.split('\n');
  const envelopes: DecodedBatch[] = [];
  const auditLines = lines.map((line, index) => {
    const batches = decodeEnvelopeLine(line, index + 1, context);
    if (batches === null) return line;
    envelopes.push(...batches);
    return '';
  });
  const auditLog = decodeAuditLogLines(auditLines.join('\n'), auditLogContext(context));
  const auditBatches =
    auditLog.records.length + auditLog.quarantined.length > 0 ? splitBatch({ ...auditLog, batchKey: `file-${shortHash(text)}` }, context.limits.maxRecordsPerBatch) : [];
  const batches = [...auditBatches, ...envelopes];
  return { format: envelopes.length > 0 ? 'envelope-lines' : 'audit-log', batches };
}

/**
 * One line of JSON lines: the batches of the envelope it holds, or null when it is an audit event
 * line (or blank, or no format at all: the audit log decoding quarantines what is not an event).
 * An envelope line that cannot be decoded throws an {@link InputLineError} naming the line.
 */
export function decodeEnvelopeLine(line: string, lineNumber: number, context: InputContext): DecodedBatch[] | null {
  if (line.trim() === '') return null;
  const document = parseOrUndefined(line);
  const format = document === undefined ? null : formatOf(document);
  if (format === null || format === 'audit-event') return null;
  const detected = decodeDocument(document, line, context);
  if ('error' in detected) throw new InputLineError(`line ${lineNumber}: ${detected.error}`, detected.usage);
  return detected.batches;
}

/**
 * A log file's lines as batches of at most `maxRecords` records, keyed `<key>`, `<key>-1`, …: a log of
 * any length is stored (the limit bounds one batch's work, not a file), and each part stays idempotent.
 */
function splitBatch(batch: DecodedBatch, maxRecords: number): DecodedBatch[] {
  if (batch.records.length <= maxRecords) return [batch];
  const parts: DecodedBatch[] = [];
  for (let start = 0; start < batch.records.length; start += maxRecords) {
    const part = parts.length === 0 ? { ...batch, records: [] } : emptyBatch(partKey(batch.batchKey, parts.length));
    parts.push({ ...part, records: batch.records.slice(start, start + maxRecords) });
  }
  return parts;
}

/** A line of JSON lines input that holds an envelope which cannot be decoded. */
export class InputLineError extends Error {
  constructor(
    message: string,
    readonly usage: boolean | undefined,
  ) {
    super(message);
  }
}

export function auditLogContext(context: InputContext): AuditLogContext {
  return {
    clusterName: context.clusterName,
    clusterId: context.clusterId,
    sourceStream: context.name,
    ingestTime: context.ingestTime,
    limits: context.limits,
  };
}

/** Which format a parsed JSON document is, or null. */
function formatOf(document: unknown): DocumentFormat | null {
  if (Array.isArray(document)) {
    return document.length > 0 && document.every((item) => Array.isArray((item as { records?: unknown } | null)?.records)) ? 'eventhub-body-array' : null;
  }
  if (typeof document !== 'object' || document === null) return null;
  const fields = document as Record<string, unknown>;
  if (isDeadLetterDocument(fields)) return 'kaudit-dead-letter';
  if (isLambdaDestinationRecord(fields)) return 'lambda-destination-record';
  if (typeof fields.awslogs === 'object' && fields.awslogs !== null) return 'cloudwatch-subscription-event';
  if (typeof fields.messageType === 'string') return 'cloudwatch-payload';
  // Before Event Hubs bodies, which also hold `records`.
  if (isFirehoseTransformationEvent(fields)) return 'firehose-transformation-event';
  if (isFirehoseFailedRecord(fields)) return 'firehose-failed-record';
  if (Array.isArray(fields.records)) return 'eventhub-body';
  // One AKS diagnostic record on its own, as archived or exported one per line.
  if (typeof fields.category === 'string' && typeof fields.properties === 'object' && typeof fields.resourceId === 'string') {
    return 'aks-diagnostic-record';
  }
  if (fields.kind === 'EventList') return 'audit-event-list';
  if (fields.kind === 'Event' || ('auditID' in fields && 'stage' in fields)) return 'audit-event';
  return null;
}
