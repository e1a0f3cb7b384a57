/**
 * Where the CPU of an EKS batch goes, for the floor and for the pipeline: each stage timed alone
 * on its input made beforehand (the pipeline's through its synchronous entry points: processBatch,
 * encodeNdjson, gzipSync), and the whole timed as it really runs. What the stages do not add up
 * to is the rest: collecting the garbage of a whole batch, streaming, file writes, the report.
 * Tells the part of the gap optimization can close from the part that comes with the canonical row.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { encodeNdjson } from '../../shared/store/event-store.ts';
import { eksFloor } from './floor.ts';
import { type FunctionPipelines, ingestEks } from './function-pipelines.ts';
import type { EksBatch } from './payloads.ts';
import { elapsedOf, median } from './statistics.ts';

/** Median CPU milliseconds per batch, by stage; `rest` is the whole minus the stages. */
type StageMillis = Record<string, number>;

export interface Breakdown {
  floor: StageMillis;
  pipeline: StageMillis;
  /** Bytes of NDJSON each writes per batch, before gzip. */
  outputBytes: { floor: number; pipeline: number };
}

interface CloudWatchPayload {
  logEvents: { message: string }[];
}

type Stages = Record<string, () => unknown>;

export async function breakdownEks(batches: readonly EksBatch[], pipelines: FunctionPipelines, rounds: number): Promise<Breakdown> {
  const runtime = pipelines.eks;
  const context = { region: runtime.region, ingestTime: runtime.now().toISOString(), limits: runtime.limits };
  // Each stage's input, made once.
  const payloads = batches.map((batch) => JSON.parse(gunzipSync(Buffer.from(batch.event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchPayload);
  const parsed = payloads.map((payload) => payload.logEvents.map((logEvent) => JSON.parse(logEvent.message) as unknown));
  const floorText = parsed.map((events) => events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  const decoded = batches.map((batch) => decodeCloudWatchSubscription(batch.event, context));
  const processed = decoded.map((batch) => processBatch(batch, runtime.pipeline));
  const pipelineText = processed.map((batch) => encodeNdjson(batch.events));

  const floor: Stages = {
    'decode envelope': () => batches.forEach((batch) => JSON.parse(gunzipSync(Buffer.from(batch.event.awslogs.data, 'base64')).toString('utf8'))),
    'parse events': () => payloads.forEach((payload) => payload.logEvents.forEach((logEvent) => JSON.parse(logEvent.message))),
    serialize: () => parsed.forEach((events) => events.forEach((event) => JSON.stringify(event))),
    gzip: () => floorText.forEach((text) => gzipSync(text)),
  };
  const pipeline: Stages = {
    'decode envelope': () => batches.forEach((batch) => decodeCloudWatchSubscription(batch.event, context)),
    'parse, normalize, redact': () => decoded.forEach((batch) => processBatch(batch, runtime.pipeline)),
    serialize: () => processed.forEach((batch) => encodeNdjson(batch.events)),
    gzip: () => pipelineText.forEach((text) => gzipSync(text)),
  };
  const wholes: Stages = {
    floor: () => batches.forEach((batch) => eksFloor(batch.event)),
    pipeline: async () => {
      for (const batch of batches) await ingestEks(batch, runtime);
    },
  };
  const all: Stages = {
    ...prefixed('floor', floor),
    ...prefixed('pipeline', pipeline),
    ...prefixed('whole', wholes),
  };
  const millis = await medianMillis(all, batches.length, rounds, pipelines.forgetStoredObjects);
  const side = (name: 'floor' | 'pipeline', stages: Stages): StageMillis => {
    const own = Object.fromEntries(Object.keys(stages).map((stage) => [stage, millis[`${name}/${stage}`] as number]));
    const sum = Object.values(own).reduce((total, value) => total + value, 0);
    return { ...own, rest: (millis[`whole/${name}`] as number) - sum };
  };
  return {
    floor: side('floor', floor),
    pipeline: side('pipeline', pipeline),
    outputBytes: { floor: averageBytes(floorText), pipeline: averageBytes(pipelineText) },
  };
}

function prefixed(prefix: string, stages: Stages): Stages {
  return Object.fromEntries(Object.entries(stages).map(([name, stage]) => [`${prefix}/${name}`, stage]));
}

/**
 * Each stage in a block of its own: a warm-up run, dropped, then `rounds` measured ones; the
 * median per batch. No forced GC, for the reason given in throughput.ts. Stored objects are
 * removed before every run, unmeasured, so each finds the batches new to the store.
 */
async function medianMillis(stages: Stages, batches: number, rounds: number, forgetStored: () => void): Promise<Record<string, number>> {
  const millis: Record<string, number> = {};
  for (const [name, stage] of Object.entries(stages)) {
    const samples: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      forgetStored();
      const { cpuSeconds } = await elapsedOf(stage);
      if (round > 0) samples.push((cpuSeconds * 1000) / batches);
    }
    millis[name] = median(samples);
  }
  return millis;
}

function averageBytes(texts: readonly string[]): number {
  return Math.round(texts.reduce((total, text) => total + Buffer.byteLength(text), 0) / texts.length);
}
