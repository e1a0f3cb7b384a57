/**
 * Floor and pipeline over the same batches, in the same process: samples alternate between the
 * two (a full GC before each, so neither pays for the other's garbage), warm-up rounds are
 * dropped, and the median sample counts. Wall-clock is what the targets speak of; CPU
 * time is what a function is billed for when it has less than one core, and what other load on
 * the machine disturbs least.
 */
import { aksFloor, eksFloor } from './floor.ts';
import type { InvocationReport } from '../../shared/reliability/invocation-report.ts';
import type { FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { expectAllWritten, ingestAks, ingestEks, type FunctionPipelines } from './function-pipelines.ts';
import type { AksBatch, EksBatch } from './payloads.ts';
import { addElapsed, elapsedOf, median, NO_TIME, type Elapsed } from './statistics.ts';

export interface Rounds {
  warmups: number;
  repeats: number;
}

export interface Throughput {
  /** Median wall-clock seconds to handle every batch of the workload once. */
  seconds: number;
  /** Median CPU seconds (all threads) for the same. */
  cpuSeconds: number;
  eventsPerSecond: number;
  /** MB (10^6 bytes) of decoded payload per second: the gunzipped CloudWatch JSON, the Event Hubs bodies. */
  mbPerSecond: number;
  eventsPerCpuSecond: number;
}

export interface Comparison {
  floor: Throughput;
  pipeline: Throughput;
  /** Pipeline throughput as a fraction of the floor's, wall-clock. */
  ratio: number;
  /** The same, per CPU second. */
  cpuRatio: number;
}

type Sample = () => Promise<Elapsed>;

/** One function's floor and real pipeline over a kind of batch. */
interface Contenders<Batch> {
  what: string;
  floor: (batch: Batch) => unknown;
  ingest: (batch: Batch, runtime: FunctionRuntime) => Promise<InvocationReport>;
  freshRuntime: () => Promise<FunctionRuntime>;
}

export function compareEks(batches: readonly EksBatch[], pipelines: FunctionPipelines, rounds: Rounds): Promise<Comparison> {
  return compareContenders(batches, { what: 'EKS pipeline', floor: (batch) => eksFloor(batch.event), ingest: ingestEks, freshRuntime: pipelines.freshEksRuntime }, rounds);
}

export function compareAks(batches: readonly AksBatch[], pipelines: FunctionPipelines, rounds: Rounds): Promise<Comparison> {
  return compareContenders(batches, { what: 'AKS pipeline', floor: (batch) => aksFloor(batch.bodies), ingest: ingestAks, freshRuntime: pipelines.freshAksRuntime }, rounds);
}

function compareContenders<Batch extends { events: number; payloadBytes: number }>(batches: readonly Batch[], contenders: Contenders<Batch>, rounds: Rounds): Promise<Comparison> {
  const floor: Sample = () => elapsedOf(() => batches.forEach(contenders.floor));
  const pipeline: Sample = async () => {
    let total = NO_TIME;
    for (const batch of batches) {
      // A store of its own for each batch, opened outside the measurement.
      const runtime = await contenders.freshRuntime();
      total = addElapsed(total, await elapsedOf(async () => expectAllWritten(await contenders.ingest(batch, runtime), batch.events, contenders.what)));
    }
    return total;
  };
  return compare(batches, floor, pipeline, rounds);
}

async function compare(batches: readonly { events: number; payloadBytes: number }[], floor: Sample, pipeline: Sample, rounds: Rounds): Promise<Comparison> {
  const samples: { floor: Elapsed[]; pipeline: Elapsed[] } = { floor: [], pipeline: [] };
  for (let round = 0; round < rounds.warmups + rounds.repeats; round++) {
    // Alternating which goes first keeps whatever the first of a round pays (a cold cache) off one side.
    const order = round % 2 === 0 ? (['floor', 'pipeline'] as const) : (['pipeline', 'floor'] as const);
    for (const name of order) {
      collectGarbage();
      const elapsed = await (name === 'floor' ? floor : pipeline)();
      if (round >= rounds.warmups) samples[name].push(elapsed);
    }
  }
  const events = batches.reduce((total, batch) => total + batch.events, 0);
  const bytes = batches.reduce((total, batch) => total + batch.payloadBytes, 0);
  const throughput = (elapsed: readonly Elapsed[]): Throughput => {
    const seconds = median(elapsed.map((sample) => sample.wallSeconds));
    const cpuSeconds = median(elapsed.map((sample) => sample.cpuSeconds));
    return { seconds, cpuSeconds, eventsPerSecond: events / seconds, mbPerSecond: bytes / 1e6 / seconds, eventsPerCpuSecond: events / cpuSeconds };
  };
  const result = { floor: throughput(samples.floor), pipeline: throughput(samples.pipeline) };
  return {
    ...result,
    ratio: result.pipeline.eventsPerSecond / result.floor.eventsPerSecond,
    cpuRatio: result.pipeline.eventsPerCpuSecond / result.floor.eventsPerCpuSecond,
  };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
