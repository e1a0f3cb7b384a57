/**
 * Floor and pipeline over the same batches, in the same process and run. The two take turns in
 * blocks, the first going first in every other block: a block is a warm-up sample, dropped (it
 * collects what the other left behind and lets V8 size its heap to this work), then a measured
 * one; the median of the measured samples counts. No full GC is forced between samples: a
 * forced one shrinks V8's heap limits, and the samples after it pay for growing them again
 * (about 13 ms of CPU per EKS batch of the pipeline), which a warm function handling batch after
 * batch does not. Wall-clock is what the issue's targets speak of; CPU time is what a function is
 * billed for when it has less than one core, and what other load on the machine disturbs least.
 */

import type { FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import type { InvocationReport } from '../../shared/runtime/invocation-report.ts';
import { aksFloor, eksFloor } from './floor.ts';
import { expectAllWritten, type FunctionPipelines, ingestAks, ingestEks } from './function-pipelines.ts';
import type { AksBatch, EksBatch } from './payloads.ts';
import { type Elapsed, elapsedOf, median } from './statistics.ts';

export interface Rounds {
  /** Samples dropped at the start of each block. */
  warmups: number;
  /** Blocks per contender: measured samples. */
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
  runtime: FunctionRuntime;
  /** Makes the batches new to the store again, outside the measurement. */
  forgetStored: () => void;
}

export function compareEks(batches: readonly EksBatch[], pipelines: FunctionPipelines, rounds: Rounds): Promise<Comparison> {
  return compareContenders(
    batches,
    { what: 'EKS pipeline', floor: (batch) => eksFloor(batch.event), ingest: ingestEks, runtime: pipelines.eks, forgetStored: pipelines.forgetStoredObjects },
    rounds,
  );
}

/** The EKS function without rules (as "floor") against the same function evaluating the built-in pack. */
export function comparePack(batches: readonly EksBatch[], pipelines: FunctionPipelines, rounds: Rounds): Promise<Comparison> {
  const run =
    (runtime: FunctionRuntime, what: string): Sample =>
    async () => {
      pipelines.forgetStoredObjects();
      return elapsedOf(async () => {
        for (const batch of batches) expectAllWritten(await ingestEks(batch, runtime), batch.events, what);
      });
    };
  return compare(batches, run(pipelines.eks, 'EKS pipeline'), run(pipelines.eksWithPack, 'EKS pipeline with the built-in pack'), rounds);
}

export function compareAks(batches: readonly AksBatch[], pipelines: FunctionPipelines, rounds: Rounds): Promise<Comparison> {
  return compareContenders(
    batches,
    { what: 'AKS pipeline', floor: (batch) => aksFloor(batch.bodies), ingest: ingestAks, runtime: pipelines.aks, forgetStored: pipelines.forgetStoredObjects },
    rounds,
  );
}

function compareContenders<Batch extends { events: number; payloadBytes: number }>(batches: readonly Batch[], contenders: Contenders<Batch>, rounds: Rounds): Promise<Comparison> {
  const floor: Sample = () => elapsedOf(() => batches.forEach(contenders.floor));
  const pipeline: Sample = async () => {
    contenders.forgetStored();
    return elapsedOf(async () => {
      for (const batch of batches) expectAllWritten(await contenders.ingest(batch, contenders.runtime), batch.events, contenders.what);
    });
  };
  return compare(batches, floor, pipeline, rounds);
}

async function compare(batches: readonly { events: number; payloadBytes: number }[], floor: Sample, pipeline: Sample, rounds: Rounds): Promise<Comparison> {
  const samples: { floor: Elapsed[]; pipeline: Elapsed[] } = { floor: [], pipeline: [] };
  // Block -1 only warms the JIT up: none of its samples count.
  for (let block = -1; block < rounds.repeats; block++) {
    // Alternating which goes first keeps whatever the first of a block pays (a cold cache) off one side.
    const order = block % 2 === 0 ? (['floor', 'pipeline'] as const) : (['pipeline', 'floor'] as const);
    for (const name of order) {
      const sample = name === 'floor' ? floor : pipeline;
      for (let warmup = 0; warmup < rounds.warmups; warmup++) await sample();
      const measured = await sample();
      if (block >= 0) samples[name].push(measured);
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
