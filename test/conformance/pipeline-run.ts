/**
 * Runs fixtures through kaudit's own decode → normalize → dedupe pipeline (no store) and checks
 * what must hold for any input: the counting identity, and that every output is schema-valid.
 */
import { expect } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../shared/core/ingest-summary.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { type CanonicalEvent, CanonicalEventSchema } from '../../shared/schema/canonical-event.ts';
import { type QuarantineRecord, QuarantineRecordSchema } from '../../shared/schema/quarantine-record.ts';
import { decodeInput, type InputContext, type InputFormat } from '../../shared/sources/input-formats.ts';
import { readFixture } from './fixtures.ts';

const INGEST_TIME = '2026-01-15T09:30:00.000Z';

/** The region an EKS deployment (or `kaudit ingest --region`) is configured with: not in the payloads. */
const FUNCTION_REGION = 'eu-west-1';

/** What decoders other than `decodeInput` need to know. */
export const DECODER_CONTEXT = { region: FUNCTION_REGION, ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS };

export function inputContext(name: string): InputContext {
  return { name, region: FUNCTION_REGION, clusterName: null, clusterId: null, ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS };
}

/** Input decoded as `kaudit ingest` would; input it refuses fails the test with kaudit's message. */
export function decodeData(data: Buffer, name: string): { format: InputFormat; batches: DecodedBatch[] } {
  const detected = decodeInput(data, inputContext(name));
  if ('error' in detected) throw new Error(`${name}: kaudit refused the input: ${detected.error}`);
  return detected;
}

export interface PipelineRun {
  events: CanonicalEvent[];
  quarantined: QuarantineRecord[];
  /** `written` stays 0: nothing is stored; the events are what a store would write. */
  summary: IngestSummary;
}

export function runPipeline(batches: readonly DecodedBatch[]): PipelineRun {
  const run: PipelineRun = { events: [], quarantined: [], summary: emptySummary() };
  for (const batch of batches) {
    const processed = processBatch(batch);
    run.events.push(...processed.events);
    run.quarantined.push(...processed.quarantined);
    addSummary(run.summary, processed.summary);
  }
  return run;
}

export function runFixture(relativePath: string): PipelineRun {
  return runPipeline(decodeData(readFixture(relativePath), relativePath).batches);
}

/**
 * Every record received is an event to write, a duplicate, a counted skip or a quarantine record
 * (docs/contracts.md#ingest-summary's identity, with the events standing for `written`), and all of them are schema-valid.
 */
export function expectSoundRun(run: PipelineRun): void {
  const { received, duplicates, skipped, quarantined } = run.summary;
  expect(received, 'received = events + duplicates + skipped + quarantined').toBe(run.events.length + duplicates + skipped + quarantined);
  expect(run.quarantined).toHaveLength(quarantined);
  const reasonTotal = Object.values(run.summary.reasons).reduce((total, count) => total + count, 0);
  expect(reasonTotal, 'every skip and quarantine is counted under a reason').toBe(skipped + quarantined);
  for (const event of run.events) CanonicalEventSchema.parse(event);
  for (const record of run.quarantined) QuarantineRecordSchema.parse(record);
}

/** The one event written for an audit event (its auditID and stage); fails naming them when there is none or several. */
export function eventOf(events: readonly CanonicalEvent[], audit: { auditID?: unknown; stage?: unknown }): CanonicalEvent {
  const matches = events.filter((event) => event.audit_id === audit.auditID && event.stage === audit.stage);
  expect(matches, `events for ${String(audit.auditID)}/${String(audit.stage)}`).toHaveLength(1);
  return matches[0] as CanonicalEvent;
}
