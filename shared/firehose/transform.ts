import type { CanonicalEvent } from '../schema/canonical-event.ts';
import { processBatch, storeProcessedBatch, type ProcessedBatch } from '../pipeline/ingest-batch.ts';
import { addSummary, emptySummary, type IngestSummary } from '../pipeline/ingest-summary.ts';
import type { FunctionRuntime } from '../runtime/function-runtime.ts';
import { encodeNdjson, type EventStore } from '../store/event-store.ts';
import { partitionOf, partitionOfKey } from '../store/layout.ts';
import { decodeFirehoseRecord } from './decode-firehose-record.ts';
import {
  FirehoseTransformationEventSchema,
  type FirehosePartitionKeys,
  type FirehoseRecord,
  type FirehoseResultRecord,
  type FirehoseTransformationResult,
} from './firehose-event.ts';
import { LAMBDA_RESPONSE_LIMIT_BYTES, ResponseBudget, bytesInResponse } from './response-budget.ts';

/** How many input records got each answer, and how many events the Lambda wrote to the lake itself. */
export interface FirehoseTransformCounts {
  ok: number;
  dropped: number;
  processingFailed: number;
  /** Events written straight to the lake: a record's other hours, or a record too large for the response. */
  spilledEvents: number;
}

export interface FirehoseTransformOutcome {
  response: FirehoseTransformationResult;
  /** Events of the records answered Ok or Dropped (a failed record is counted when it is replayed). */
  summary: IngestSummary;
  counts: FirehoseTransformCounts;
  /** Why records were answered ProcessingFailed, for the function's log. */
  failures: { recordId: string; error: string }[];
}

/**
 * A Firehose data-transformation invocation over CloudWatch Logs records. Every recordId is
 * answered exactly once:
 * - `Ok`: the record's canonical events as NDJSON, with partition keys `dt`/`hour` of its first
 *   event. Firehose needs one output per input, so events of any other hour (a batch across an
 *   hour boundary) are written to the lake directly, under their own partition.
 * - `Dropped`: nothing left for Firehose — control messages, non-audit streams, events all skipped
 *   by policy, only quarantined records, or events written directly because the response had no
 *   room for them (Lambda's 6 MB limit).
 * - `ProcessingFailed` with the original data, when the lake rejected a direct write: Firehose then
 *   puts the record under its error prefix, so nothing is lost.
 * Quarantine records are written to the lake's quarantine/ by the function, as on every path.
 */
export async function transformFirehoseEvent(
  event: unknown,
  runtime: FunctionRuntime,
  responseLimit = LAMBDA_RESPONSE_LIMIT_BYTES,
): Promise<FirehoseTransformOutcome> {
  const parsed = FirehoseTransformationEventSchema.safeParse(event);
  if (!parsed.success) {
    // Without recordIds there is nothing to answer: failing the invocation makes Firehose retry it and then keep the records.
    throw new Error(`not a Firehose data-transformation event: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const records = parsed.data.records;
  const context = { region: runtime.region ?? parsed.data.region ?? null, ingestTime: runtime.now().toISOString(), limits: runtime.limits };
  const fallbacks = records.map(processingFailed);
  const budget = new ResponseBudget(responseLimit, fallbacks);
  const outcome: FirehoseTransformOutcome = {
    response: { records: [] },
    summary: emptySummary(),
    counts: { ok: 0, dropped: 0, processingFailed: 0, spilledEvents: 0 },
    failures: [],
  };
  for (const [index, record] of records.entries()) {
    const processed = processBatch(decodeFirehoseRecord(record, context), runtime.pipeline);
    const { delivered, direct } = planDelivery(record.recordId, processed.events, (bytes) => budget.fits(index, bytes));
    let answer: FirehoseResultRecord = delivered?.record ?? { recordId: record.recordId, result: 'Dropped' };
    try {
      const summary = await storeDirectly(processed, direct, runtime.store);
      summary.written += processed.events.length - direct.length;
      addSummary(outcome.summary, summary);
      outcome.counts.spilledEvents += direct.length;
    } catch (error) {
      answer = fallbacks[index] as FirehoseResultRecord;
      outcome.failures.push({ recordId: record.recordId, error: error instanceof Error ? error.message : String(error) });
    }
    budget.commit(index, answer === delivered?.record ? delivered.bytes : bytesInResponse(answer));
    outcome.counts[countOf(answer.result)]++;
    outcome.response.records.push(answer);
  }
  return outcome;
}

interface DeliveryPlan {
  /** The Ok answer carrying the first hour's events, when there are events and they fit the response. */
  delivered: { record: FirehoseResultRecord; bytes: number } | null;
  /** Events the function writes to the lake itself. */
  direct: CanonicalEvent[];
}

function planDelivery(recordId: string, events: CanonicalEvent[], fits: (bytes: number) => boolean): DeliveryPlan {
  const split = splitByFirstHour(events);
  if (!split.first) return { delivered: null, direct: [] };
  const record = okRecord(recordId, split.first.events, split.first.keys);
  const bytes = bytesInResponse(record);
  return fits(bytes) ? { delivered: { record, bytes }, direct: split.rest } : { delivered: null, direct: events };
}

/** Writes the events Firehose won't carry, and the quarantine records, to the lake; stores nothing when there are none. */
async function storeDirectly(processed: ProcessedBatch, events: CanonicalEvent[], store: EventStore): Promise<IngestSummary> {
  if (events.length === 0 && processed.quarantined.length === 0) return { ...processed.summary, reasons: { ...processed.summary.reasons } };
  return storeProcessedBatch({ ...processed, events }, store);
}

interface HourSplit {
  first: { keys: FirehosePartitionKeys; events: CanonicalEvent[] } | null;
  rest: CanonicalEvent[];
}

/** The events in the first event's hour partition, and the others. */
function splitByFirstHour(events: readonly CanonicalEvent[]): HourSplit {
  const head = events[0];
  if (!head) return { first: null, rest: [] };
  const partition = partitionOf(head.time);
  const keys = partitionOfKey(partition) as FirehosePartitionKeys;
  const first: CanonicalEvent[] = [];
  const rest: CanonicalEvent[] = [];
  for (const event of events) (partitionOf(event.time) === partition ? first : rest).push(event);
  return { first: { keys, events: first }, rest };
}

function okRecord(recordId: string, events: readonly CanonicalEvent[], partitionKeys: FirehosePartitionKeys): FirehoseResultRecord {
  return { recordId, result: 'Ok', data: Buffer.from(encodeNdjson(events)).toString('base64'), metadata: { partitionKeys } };
}

function processingFailed(record: FirehoseRecord): FirehoseResultRecord {
  return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
}

function countOf(result: FirehoseResultRecord['result']): 'ok' | 'dropped' | 'processingFailed' {
  return result === 'Ok' ? 'ok' : result === 'Dropped' ? 'dropped' : 'processingFailed';
}
