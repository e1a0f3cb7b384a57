/**
 * Runs Firehose data-transformation events through kaudit's own transform (shared/sources/firehose, what the
 * `eks-firehose` function runs) with the function's lake in memory, and gathers what it answered and
 * what it stored, so `expectSoundRun` checks the transform as it checks every other path.
 */
import { gunzipSync } from 'node:zlib';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';
import type { FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { QuarantineRecord } from '../../shared/schema/quarantine-record.ts';
import { type FirehoseTransformOutcome, transformFirehoseEvent } from '../../shared/sources/firehose/transform-runtime.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { EVENTS_PREFIX, QUARANTINE_PREFIX } from '../../shared/store/layout.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { DECODER_CONTEXT, type PipelineRun } from './pipeline-run.ts';

export interface TransformRun {
  outcome: FirehoseTransformOutcome;
  /** Events of the Ok answers carrying events and of the lake, quarantine records of the lake, and the transform's summary. */
  run: PipelineRun;
}

/** A lake whose every write fails, as when S3 is unavailable. */
class UnavailableObjectStore extends MemoryObjectStore {
  override async putIfAbsent(key: string): Promise<'created' | 'exists'> {
    throw new StoreError('lake unavailable', key);
  }
}

export async function runTransform(event: unknown, lake: 'available' | 'unavailable' = 'available'): Promise<TransformRun> {
  const objects = lake === 'available' ? new MemoryObjectStore() : new UnavailableObjectStore();
  const runtime: FunctionRuntime = {
    store: new LakeEventStore(objects),
    limits: DECODER_CONTEXT.limits,
    pipeline: await buildPipelineOptions({}),
    region: DECODER_CONTEXT.region,
    now: () => new Date(DECODER_CONTEXT.ingestTime),
  };
  const outcome = await transformFirehoseEvent(event, runtime);
  // Dead-letter documents (kind `deadletter`) go to another folder of the lake: they are no events.
  const answered = outcome.response.records.flatMap((record) =>
    record.result === 'Ok' && record.metadata.partitionKeys.kind === 'events' ? ndjsonRows(Buffer.from(record.data, 'base64')) : [],
  );
  return {
    outcome,
    run: {
      events: [...answered, ...storedRows(objects, EVENTS_PREFIX)] as CanonicalEvent[],
      quarantined: storedRows(objects, QUARANTINE_PREFIX) as QuarantineRecord[],
      summary: outcome.summary,
    },
  };
}

function storedRows(objects: MemoryObjectStore, prefix: string): unknown[] {
  return [...objects.objects].filter(([key]) => key.startsWith(prefix)).flatMap(([, body]) => ndjsonRows(gunzipSync(body)));
}

function ndjsonRows(bytes: Buffer): unknown[] {
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}
