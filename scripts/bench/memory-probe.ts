/**
 * Child process of the benchmark: ingests one batch read from a file and reports the peak RSS
 * over the idle process, so nothing the parent allocated counts. Linux only (/proc/self).
 *   node --expose-gc --import tsx memory-probe.ts eks|aks BATCH.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { expectAllWritten, ingestAks, ingestEks, openFunctionPipelines } from './function-pipelines.ts';
import type { AksBatch, EksBatch } from './payloads.ts';

export interface MemoryProbeResult {
  /** RSS with the modules loaded and the batch in memory (as the platform hands it over). */
  idleBytes: number;
  /** Highest RSS while the batch was ingested. */
  peakBytes: number;
}

const [kind, batchFile] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if ((kind !== 'eks' && kind !== 'aks') || !batchFile || !gc || !process.send) {
  throw new Error('usage: node --expose-gc --import tsx memory-probe.ts eks|aks BATCH.json (forked, with an IPC channel)');
}

const pipelines = await openFunctionPipelines();
try {
  const batch = JSON.parse(readFileSync(batchFile, 'utf8')) as EksBatch & AksBatch;
  const runtime = pipelines[kind];
  // An idle process is one whose event loop has turned since the batch arrived, as it has when the
  // platform hands a batch over: collected within the turn that parsed it, the batch's file text
  // stayed in the RSS and the peak read about 70 MB higher (AKS).
  await setImmediate();
  gc();
  const idleBytes = process.memoryUsage.rss();
  resetPeakRss();
  const summary = kind === 'eks' ? await ingestEks(batch, runtime) : await ingestAks(batch, runtime);
  const peakBytes = peakRssBytes();
  expectAllWritten(summary, batch.events, `${kind} memory probe`);
  process.send({ idleBytes, peakBytes } satisfies MemoryProbeResult);
} finally {
  pipelines.close();
}

/** Linux resets the process's RSS high-water mark (VmHWM) to its current RSS on this write. */
function resetPeakRss(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc/self/status');
  return Number(match[1]) * 1024;
}
