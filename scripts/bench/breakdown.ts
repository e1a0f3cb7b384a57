/**
 * Where the CPU of an EKS batch goes, stage by stage, for the floor and for the pipeline: what
 * tells the gap that optimization can close from the part that comes with the canonical row.
 * Each stage is timed as a prefix of the whole (decode; decode + parse; …), so that it carries
 * the garbage collection and cache misses it causes downstream; its cost is the difference to
 * the prefix before. The pipeline's prefixes run through its synchronous entry points
 * (processBatch, encodeNdjson, gzipSync); the last step is a real ingest into the file store,
 * whose difference is what streaming, the file writes and the invocation report add.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeCloudWatchSubscription } from '../../shared/decode/cloudwatch.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import type { FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { encodeNdjson } from '../../shared/store/event-store.ts';
import { ingestEks, type FunctionPipelines } from './function-pipelines.ts';
import type { EksBatch } from './payloads.ts';
import { elapsedOf, median } from './statistics.ts';

/** Median CPU milliseconds per batch that each stage adds, in order. */
export type StageMillis = Record<string, number>;

export interface Breakdown {
  floor: StageMillis;
  pipeline: StageMillis;
  /** Bytes of NDJSON each writes per batch, before gzip. */
  outputBytes: { floor: number; pipeline: number };
}

interface CloudWatchPayload {
  logEvents: { message: string }[];
}

type Stage = [name: string, prefix: (batch: EksBatch) => unknown];

export async function breakdownEks(batches: readonly EksBatch[], pipelines: FunctionPipelines, repeats: number): Promise<Breakdown> {
  const runtime = await pipelines.freshEksRuntime();
  const floor = floorChain();
  const pipeline = pipelineChain(runtime);
  const floorStages: Stage[] = [
    ['decode envelope', floor.decode],
    ['parse events', floor.parse],
    ['serialize', floor.ndjson],
    ['gzip', (batch) => gzipSync(floor.ndjson(batch))],
  ];
  const pipelineStages: Stage[] = [
    ['decode envelope', pipeline.decode],
    ['parse, normalize, redact', pipeline.process],
    ['serialize', pipeline.ndjson],
    ['gzip', (batch) => gzipSync(pipeline.ndjson(batch))],
    ['streaming store, file writes, report', async (batch) => ingestEks(batch, await pipelines.freshEksRuntime())],
  ];
  return {
    floor: await stageMillis(floorStages, batches, repeats),
    pipeline: await stageMillis(pipelineStages, batches, repeats),
    outputBytes: { floor: averageBytes(batches.map(floor.ndjson)), pipeline: averageBytes(batches.map(pipeline.ndjson)) },
  };
}

/** The floor's work up to each stage. */
function floorChain() {
  const decode = (batch: EksBatch) => JSON.parse(gunzipSync(Buffer.from(batch.event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchPayload;
  const parse = (batch: EksBatch) => decode(batch).logEvents.map((logEvent) => JSON.parse(logEvent.message) as unknown);
  const ndjson = (batch: EksBatch) => parse(batch).map((event) => `${JSON.stringify(event)}\n`).join('');
  return { decode, parse, ndjson };
}

/** The pipeline's work up to each stage, through its synchronous entry points. */
function pipelineChain(runtime: FunctionRuntime) {
  const context = { region: runtime.region, ingestTime: runtime.now().toISOString(), limits: runtime.limits };
  const decode = (batch: EksBatch) => decodeCloudWatchSubscription(batch.event, context);
  const process = (batch: EksBatch) => processBatch(decode(batch), runtime.pipeline);
  const ndjson = (batch: EksBatch) => encodeNdjson(process(batch).events);
  return { decode, process, ndjson };
}

/** Each prefix timed over every batch, the prefixes interleaved round by round; a stage's cost is its prefix's median minus the one before. */
async function stageMillis(stages: readonly Stage[], batches: readonly EksBatch[], repeats: number): Promise<StageMillis> {
  const samples = stages.map((): number[] => []);
  for (let round = 0; round <= repeats; round++) {
    for (const [index, [, prefix]] of stages.entries()) {
      (globalThis as { gc?: () => void }).gc?.();
      const { cpuSeconds } = await elapsedOf(async () => {
        for (const batch of batches) await prefix(batch);
      });
      // Round 0 warms up.
      if (round > 0) samples[index]?.push((cpuSeconds * 1000) / batches.length);
    }
  }
  const cumulative = samples.map((values) => median(values));
  return Object.fromEntries(stages.map(([name], index) => [name, (cumulative[index] as number) - (index === 0 ? 0 : (cumulative[index - 1] as number))]));
}

function averageBytes(texts: readonly string[]): number {
  return Math.round(texts.reduce((total, text) => total + Buffer.byteLength(text), 0) / texts.length);
}
