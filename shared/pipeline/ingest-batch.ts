import { type DecodedBatch, receivedOf, type SkipReason } from '../core/decoded-batch.ts';
import { addReason, emptySummary, type IngestSummary } from '../core/ingest-summary.ts';
import { BatchDeduper } from '../dedupe/batch-deduper.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { Finding } from '../schema/finding.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';
import type { EventStore } from '../store/event-store.ts';
import type { EventDetector, EventTransform, QuarantineTransform } from '../transforms/transform.ts';

export interface PipelineOptions {
  transforms?: readonly EventTransform[];
  /** Applied to every quarantine record before it is stored: redaction of its raw text. */
  quarantineTransform?: QuarantineTransform;
  /** Detections on each event stored, after the transforms: their findings are stored under findings/v1/. */
  detector?: EventDetector;
  /**
   * Told of a batch's findings once they are stored (the alerts). A failure fails the batch, which
   * the platform delivers again: its objects are then found stored, and the findings told again.
   */
  onFindingsStored?: (findings: readonly Finding[]) => Promise<void>;
}

/** What a batch becomes before anything is stored. */
export interface ProcessedBatch {
  batchKey: string;
  events: CanonicalEvent[];
  quarantined: QuarantineRecord[];
  summary: IngestSummary;
  /** The findings of the detector's rules on the batch's events (none without a detector). */
  findings?: readonly Finding[];
}

/**
 * A batch replayed from a dead letter that kept what a function's pipeline made of it (its events
 * after policy and redaction, its quarantine records scrubbed, and its counts): that output is
 * stored as it is, under the original batch key, instead of being processed again.
 */
export interface ReplayedBatch extends DecodedBatch {
  output: Omit<ProcessedBatch, 'batchKey'>;
}

function isReplayedBatch(batch: DecodedBatch): batch is ReplayedBatch {
  return Object.hasOwn(batch, 'output');
}

/**
 * A replayed batch as its function left it. Its events are the pipeline's output (redacted), so the
 * rules in force now are evaluated on them: a dead letter carries no findings, and a finding's id
 * depends only on the rule and the event, so one the failed delivery made is found stored again.
 */
function replayedOutput(batch: ReplayedBatch, options: PipelineOptions): Omit<ProcessedBatch, 'batchKey'> {
  const { detector } = options;
  if (!detector) return batch.output;
  return { ...batch.output, findings: batch.output.events.flatMap((event) => detector(event)) };
}

/** normalize → transforms → dedupe within the batch. Pure: stores nothing, never throws on bad data. */
export function processBatch(batch: DecodedBatch, options: PipelineOptions = {}): ProcessedBatch {
  if (isReplayedBatch(batch)) return { batchKey: batch.batchKey, ...replayedOutput(batch, options) };
  const run = new BatchRun(batch, options);
  const events = [...run.events()];
  return { batchKey: batch.batchKey, events, ...run.outcome() };
}

/** What a batch became besides its events: quarantine records, counts, and the findings of its events. */
type BatchOutcome = Pick<ProcessedBatch, 'quarantined' | 'summary' | 'findings'>;

/** A batch's events produced one at a time, and then what else it became (see {@link processBatch}). */
export interface BatchStream {
  /** Iterate once, to the end, before reading {@link outcome}. */
  events: Iterable<CanonicalEvent>;
  outcome(): BatchOutcome;
}

/** {@link processBatch} without holding the events: each record is normalized when the next event is asked for. */
export function streamBatch(batch: DecodedBatch, options: PipelineOptions = {}): BatchStream {
  if (isReplayedBatch(batch)) {
    const output = replayedOutput(batch, options);
    return { events: output.events, outcome: () => output };
  }
  const run = new BatchRun(batch, options);
  return { events: run.events(), outcome: () => run.outcome() };
}

/**
 * Stores a processed batch: events first, then findings, then quarantine records. A store failure
 * propagates, so the platform keeps the batch and delivers it again.
 */
export function storeProcessedBatch(processed: ProcessedBatch, store: EventStore, options: PipelineOptions = {}): Promise<IngestSummary> {
  return storeBatch(processed.batchKey, processed.events, () => processed, store, options);
}

/**
 * The whole pipeline for one decoded batch: decode → normalize → (policy, redaction) → dedupe → store.
 * Each record is normalized only when the store asks for the next event, so the batch's events
 * are never all in memory at once. A {@link ReplayedBatch} is stored as its function left it.
 */
export async function ingestBatch(batch: DecodedBatch, store: EventStore, options: PipelineOptions = {}): Promise<IngestSummary> {
  const stream = streamBatch(batch, options);
  return storeBatch(batch.batchKey, stream.events, stream.outcome, store, options);
}

/** `outcome` is read once the store has taken every event: only then is it complete. */
async function storeBatch(batchKey: string, events: Iterable<CanonicalEvent>, outcome: () => BatchOutcome, store: EventStore, options: PipelineOptions): Promise<IngestSummary> {
  const stored = await store.writeEvents(batchKey, events);
  const { quarantined, summary: processed, findings = [] } = outcome();
  // Named by the batch key like its events, so a redelivered batch finds its findings stored too.
  if (findings.length > 0) {
    await store.writeFindings(batchKey, findings);
    await options.onFindingsStored?.(findings);
  }
  const summary = { ...processed, reasons: { ...processed.reasons } };
  summary.written = stored.written;
  summary.duplicates += stored.duplicates;
  if (options.detector) summary.findings = findings.length;
  if (quarantined.length > 0) await store.writeQuarantine(batchKey, quarantined);
  return summary;
}

/** One batch through normalize → transforms → dedupe, an event at a time. */
class BatchRun {
  private readonly summary = emptySummary();
  private readonly quarantined: QuarantineRecord[];
  private readonly findings: Finding[] = [];

  constructor(
    private readonly batch: DecodedBatch,
    private readonly options: PipelineOptions,
  ) {
    this.quarantined = [...batch.quarantined];
    for (const [reason, count] of Object.entries(batch.skipped)) {
      this.summary.skipped += count;
      addReason(this.summary, reason, count);
    }
  }

  /** The events to store, in input order. Iterate once, to the end, before reading {@link outcome}. */
  *events(): Generator<CanonicalEvent> {
    const deduper = new BatchDeduper();
    for (const record of this.batch.records) {
      const normalized = normalizeRecord(record);
      if (!normalized.ok) {
        this.quarantined.push(normalized.quarantine);
        continue;
      }
      const kept = applyTransforms(normalized.event, this.options.transforms ?? []);
      if ('skip' in kept) {
        this.summary.skipped++;
        addReason(this.summary, kept.skip);
      } else if (deduper.isRepeat(kept)) {
        this.summary.duplicates++;
      } else {
        if (this.options.detector) this.findings.push(...this.options.detector(kept));
        yield kept;
      }
    }
  }

  /** Quarantine records (as stored), the summary and the findings, nothing yet written. */
  outcome(): BatchOutcome {
    const { batch, summary, quarantined } = this;
    summary.quarantined = quarantined.length;
    for (const record of quarantined) addReason(summary, record.reason);
    // Counted from the input, so the identity received = written + duplicates + skipped + quarantined is a check, not a definition.
    summary.received = receivedOf(batch);
    const transform = this.options.quarantineTransform;
    const stored = { quarantined: transform ? quarantined.map(transform) : quarantined, summary };
    // Without a detector a batch has no findings, not an empty list of them: its output is what it was before detections existed.
    return this.options.detector ? { ...stored, findings: this.findings } : stored;
  }
}

function applyTransforms(event: CanonicalEvent, transforms: readonly EventTransform[]): CanonicalEvent | { skip: SkipReason } {
  let current = event;
  for (const transform of transforms) {
    const result = transform(current);
    if ('skip' in result) return result;
    current = result;
  }
  return current;
}
