import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';
import type { DecodedBatch, SkipReason } from '../decode/decoded-batch.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';
import type { EventStore } from '../store/event-store.ts';
import { addReason, emptySummary, type IngestSummary } from './ingest-summary.ts';

/**
 * A step after normalization (policy, redaction): returns the event to keep, possibly changed,
 * or the reason it is skipped by design.
 */
export type EventTransform = (event: CanonicalEvent) => CanonicalEvent | { skip: SkipReason };

export interface PipelineOptions {
  transforms?: readonly EventTransform[];
  /** Applied to every quarantine record before it is stored: redaction of its raw text. */
  quarantineTransform?: (record: QuarantineRecord) => QuarantineRecord;
}

/** What a batch becomes before anything is stored. */
export interface ProcessedBatch {
  batchKey: string;
  events: CanonicalEvent[];
  quarantined: QuarantineRecord[];
  summary: IngestSummary;
}

/** normalize → transforms → dedupe within the batch. Pure: stores nothing, never throws on bad data. */
export function processBatch(batch: DecodedBatch, options: PipelineOptions = {}): ProcessedBatch {
  const summary = emptySummary();
  const quarantined = [...batch.quarantined];
  for (const [reason, count] of Object.entries(batch.skipped)) {
    summary.skipped += count;
    addReason(summary, reason, count);
  }
  const events: CanonicalEvent[] = [];
  const seen = new Set<string>();
  for (const record of batch.records) {
    const normalized = normalizeRecord(record);
    if (!normalized.ok) {
      quarantined.push(normalized.quarantine);
      continue;
    }
    const kept = applyTransforms(normalized.event, options.transforms ?? []);
    if ('skip' in kept) {
      summary.skipped++;
      addReason(summary, kept.skip);
    } else if (seen.has(kept.event_id)) {
      summary.duplicates++;
    } else {
      seen.add(kept.event_id);
      events.push(kept);
    }
  }
  summary.quarantined = quarantined.length;
  for (const record of quarantined) addReason(summary, record.reason);
  // Counted from the input, so the identity received = written + duplicates + skipped + quarantined is a check, not a definition.
  summary.received = batch.records.length + batch.quarantined.length + sumValues(batch.skipped);
  const stored = options.quarantineTransform ? quarantined.map(options.quarantineTransform) : quarantined;
  return { batchKey: batch.batchKey, events, quarantined: stored, summary };
}

/**
 * Stores a processed batch: events first, then quarantine records. A store failure propagates, so
 * the platform keeps the batch and delivers it again.
 */
export async function storeProcessedBatch(processed: ProcessedBatch, store: EventStore): Promise<IngestSummary> {
  const summary = { ...processed.summary, reasons: { ...processed.summary.reasons } };
  const stored = await store.writeEvents(processed.batchKey, processed.events);
  summary.written = stored.written;
  summary.duplicates += stored.duplicates;
  if (processed.quarantined.length > 0) await store.writeQuarantine(processed.batchKey, processed.quarantined);
  return summary;
}

/** The whole pipeline for one decoded batch: decode → normalize → (policy, redaction) → dedupe → store. */
export async function ingestBatch(batch: DecodedBatch, store: EventStore, options: PipelineOptions = {}): Promise<IngestSummary> {
  return storeProcessedBatch(processBatch(batch, options), store);
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

function sumValues(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((total, count) => total + (count ?? 0), 0);
}
