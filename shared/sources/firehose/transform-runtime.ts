import { messageOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { type PipelineOptions, type ProcessedBatch, processBatch, storeProcessedBatch } from '../../pipeline/ingest-batch.ts';
import type { FunctionRuntime } from '../../runtime/function-runtime.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { type EventStore, encodeNdjson } from '../../store/event-store.ts';
import { partitionOf, partitionOfKey } from '../../store/layout.ts';
import { decodeFirehoseRecord } from './decode-firehose-record.ts';
import { firehoseDeadLetter } from './firehose-dead-letter.ts';
import {
  type FirehosePartitionKeys,
  type FirehoseRecord,
  type FirehoseResultRecord,
  FirehoseTransformationEventSchema,
  type FirehoseTransformationResult,
} from './firehose-event.ts';
import { bytesInResponse, LAMBDA_RESPONSE_LIMIT_BYTES, ResponseBudget, reservationOf } from './response-budget.ts';

/** How many input records got each answer, and how many events the Lambda wrote to the lake itself. */
interface FirehoseTransformCounts {
  /** Answered Ok with canonical events. */
  ok: number;
  dropped: number;
  /** Answered Ok with a dead-letter document, routed to the lake's deadletter/ folder. */
  deadLettered: number;
  /** Events written straight to the lake: a record's other hours, or a record too large for the response. */
  spilledEvents: number;
}

export interface FirehoseTransformOutcome {
  response: FirehoseTransformationResult;
  /** Events of the records answered with events or Dropped (a dead-lettered record is counted when it is replayed). */
  summary: IngestSummary;
  counts: FirehoseTransformCounts;
  /** Why records were dead-lettered, for the function's log. */
  deadLettered: { recordId: string; error: string }[];
}

/**
 * A Firehose data-transformation invocation over CloudWatch Logs records. Every recordId is
 * answered exactly once:
 * - `Ok` with the record's canonical events as NDJSON, partition keys `kind` events and `dt`/`hour`
 *   of its first event. Firehose needs one output per input, so events of any other hour (a batch
 *   across an hour boundary) are written to the lake directly, under their own partition.
 * - `Dropped`: nothing left for Firehose — control messages, non-audit streams, events all skipped
 *   by policy, only quarantined records, or events written directly because the response had no
 *   room for them (Lambda's 6 MB limit).
 * - `Ok` with a dead-letter document (kind `deadletter`), when the lake rejected a direct write the
 *   record needed: its events after policy and redaction and its quarantine records, scrubbed, for
 *   `kaudit ingest` to replay. Never `ProcessingFailed`, which would leave the original data, unredacted,
 *   under Firehose's error prefix. A dead-letter document without room in the response fails the
 *   invocation, which Firehose retries.
 * Quarantine records are written to the lake's quarantine/ by the function, as on every path.
 */
export async function transformFirehoseEvent(event: unknown, runtime: FunctionRuntime, responseLimit = LAMBDA_RESPONSE_LIMIT_BYTES): Promise<FirehoseTransformOutcome> {
  const parsed = FirehoseTransformationEventSchema.safeParse(event);
  if (!parsed.success) {
    // Without recordIds there is nothing to answer: failing the invocation makes Firehose retry it and then keep the records.
    throw new Error(`not a Firehose data-transformation event: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const records = parsed.data.records;
  const context = { region: runtime.region ?? parsed.data.region ?? null, ingestTime: runtime.now().toISOString(), limits: runtime.limits };
  const budget = new ResponseBudget(responseLimit, records.map(reservationOf));
  const outcome: FirehoseTransformOutcome = {
    response: { records: [] },
    summary: emptySummary(),
    counts: { ok: 0, dropped: 0, deadLettered: 0, spilledEvents: 0 },
    deadLettered: [],
  };
  for (const [index, record] of records.entries()) {
    const processed = processBatch(decodeFirehoseRecord(record, context), runtime.pipeline);
    const { delivered, direct } = planDelivery(record.recordId, processed.events, (bytes) => budget.fits(index, bytes));
    let answer: FirehoseResultRecord = delivered?.record ?? { recordId: record.recordId, result: 'Dropped' };
    let bytes = delivered?.bytes ?? bytesInResponse(answer);
    let count: keyof FirehoseTransformCounts = delivered ? 'ok' : 'dropped';
    try {
      const summary = await storeDirectly(processed, direct, runtime.store, runtime.pipeline);
      summary.written += processed.events.length - direct.length;
      addSummary(outcome.summary, summary);
      outcome.counts.spilledEvents += direct.length;
    } catch (error) {
      answer = deadLetterRecord(record, processed, error, context, runtime.pipeline);
      bytes = bytesInResponse(answer);
      if (!budget.fits(index, bytes)) {
        throw new Error(
          `Firehose record ${record.recordId}: the lake write failed (${messageOf(error)}) and its dead-letter document (${bytes} bytes) does not fit the response: the invocation fails for Firehose to retry it`,
          { cause: error },
        );
      }
      count = 'deadLettered';
      outcome.deadLettered.push({ recordId: record.recordId, error: messageOf(error) });
    }
    budget.commit(index, bytes);
    outcome.counts[count]++;
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
  const record = okRecord(recordId, encodeNdjson(split.first.events), { kind: 'events', ...split.first.hour });
  const bytes = bytesInResponse(record);
  return fits(bytes) ? { delivered: { record, bytes }, direct: split.rest } : { delivered: null, direct: events };
}

/** Writes the events Firehose won't carry, the findings and the quarantine records, to the lake; stores nothing when there are none. */
async function storeDirectly(processed: ProcessedBatch, events: CanonicalEvent[], store: EventStore, pipeline: PipelineOptions): Promise<IngestSummary> {
  if (events.length === 0 && processed.quarantined.length === 0 && !processed.findings?.length) return { ...processed.summary, reasons: { ...processed.summary.reasons } };
  return storeProcessedBatch({ ...processed, events }, store, pipeline);
}

/** A record's whole output as one dead-letter line, partitioned by the time it was dead-lettered. */
function deadLetterRecord(
  record: FirehoseRecord,
  processed: ProcessedBatch,
  error: unknown,
  context: { region: string | null; ingestTime: string },
  pipeline: PipelineOptions,
): FirehoseResultRecord {
  const document = firehoseDeadLetter({ record, processed, region: context.region, error, deadLetteredAt: context.ingestTime, pipeline });
  return okRecord(record.recordId, `${JSON.stringify(document)}\n`, { kind: 'deadletter', ...hourOf(context.ingestTime) });
}

interface HourSplit {
  first: { hour: Pick<FirehosePartitionKeys, 'dt' | 'hour'>; events: CanonicalEvent[] } | null;
  rest: CanonicalEvent[];
}

/** The events in the first event's hour partition, and the others. */
function splitByFirstHour(events: readonly CanonicalEvent[]): HourSplit {
  const head = events[0];
  if (!head) return { first: null, rest: [] };
  const partition = partitionOf(head.time);
  const first: CanonicalEvent[] = [];
  const rest: CanonicalEvent[] = [];
  for (const event of events) (partitionOf(event.time) === partition ? first : rest).push(event);
  return { first: { hour: hourOf(head.time), events: first }, rest };
}

/** The `dt` and `hour` partition keys of a UTC ISO time. */
function hourOf(time: string): Pick<FirehosePartitionKeys, 'dt' | 'hour'> {
  return partitionOfKey(partitionOf(time)) as Pick<FirehosePartitionKeys, 'dt' | 'hour'>;
}

function okRecord(recordId: string, text: string, partitionKeys: FirehosePartitionKeys): FirehoseResultRecord {
  return { recordId, result: 'Ok', data: Buffer.from(text).toString('base64'), metadata: { partitionKeys } };
}
