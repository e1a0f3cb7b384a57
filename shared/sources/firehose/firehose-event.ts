import * as z from 'zod';

/**
 * A Kinesis Data Firehose data-transformation event: what Firehose passes the Lambda. Only the
 * fields kaudit reads are checked; the rest pass through (loose).
 */
export const FirehoseRecordSchema = z.looseObject({
  recordId: z.string().min(1),
  /** Base64 of the record's bytes: gzip of one or more CloudWatch Logs payloads. */
  data: z.string(),
  approximateArrivalTimestamp: z.number().optional(),
});
export type FirehoseRecord = z.infer<typeof FirehoseRecordSchema>;

export const FirehoseTransformationEventSchema = z.looseObject({
  invocationId: z.string().optional(),
  deliveryStreamArn: z.string().optional(),
  region: z.string().optional(),
  records: z.array(FirehoseRecordSchema),
});

/** Whether a parsed JSON document is a transformation event (told apart from an Event Hubs body, which also has `records`). */
export function isFirehoseTransformationEvent(document: unknown): boolean {
  if (typeof document !== 'object' || document === null) return false;
  const fields = document as Record<string, unknown>;
  const records = fields.records;
  return (
    (typeof fields.deliveryStreamArn === 'string' || typeof fields.invocationId === 'string') &&
    Array.isArray(records) &&
    records.every((record) => typeof (record as { recordId?: unknown } | null)?.recordId === 'string')
  );
}

/**
 * Whether a parsed document is a record Firehose wrote under its error prefix:
 * `{attemptsMade, errorCode, rawData, …}` (`ErrorCode` in some of Firehose's error kinds).
 */
export function isFirehoseFailedRecord(document: unknown): boolean {
  const fields = document as { rawData?: unknown; attemptsMade?: unknown; errorCode?: unknown; ErrorCode?: unknown } | null;
  return typeof fields?.rawData === 'string' && typeof fields.attemptsMade === 'number' && (typeof fields.errorCode === 'string' || typeof fields.ErrorCode === 'string');
}

/**
 * What the Lambda returns for one record (Firehose's data-transformation contract). kaudit never
 * answers `ProcessingFailed`: Firehose would keep the record's original data, unredacted.
 */
export type FirehoseResultRecord = { recordId: string; result: 'Ok'; data: string; metadata: { partitionKeys: FirehosePartitionKeys } } | { recordId: string; result: 'Dropped' };

/**
 * The lake folder an `Ok` record goes to: `events` for canonical events, `deadletter` for the
 * dead-letter document of a record whose own lake write failed. `<kind>/v1/` are the store layout's
 * prefixes (EVENTS_PREFIX, DEAD_LETTER_PREFIX).
 */
export type FirehoseOutputKind = 'events' | 'deadletter';

/**
 * Keys for dynamic partitioning, read by the S3 prefix
 * `lake/!{partitionKeyFromLambda:kind}/v1/dt=!{partitionKeyFromLambda:dt}/hour=!{partitionKeyFromLambda:hour}/`.
 */
export type FirehosePartitionKeys = { kind: FirehoseOutputKind; dt: string; hour: string };

export interface FirehoseTransformationResult {
  records: FirehoseResultRecord[];
}
