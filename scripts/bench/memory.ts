/** Peak RSS of ingesting one batch, measured in a fresh child process (see memory-probe.ts). */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MemoryProbeResult } from './memory-probe.ts';
import { median } from './statistics.ts';
import type { AksBatch, EksBatch } from './payloads.ts';

const PROBE = path.join(import.meta.dirname, 'memory-probe.ts');

export interface MemoryFigures {
  idleBytes: number;
  peakBytes: number;
  /** Peak over idle: what handling the batch costs. */
  overIdleBytes: number;
}

/** The median of `runs` probes, each in its own process. */
export async function measureBatchMemory(kind: 'eks' | 'aks', batch: EksBatch | AksBatch, runs: number): Promise<MemoryFigures> {
  const directory = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-memory-'));
  try {
    const batchFile = path.join(directory, 'batch.json');
    writeFileSync(batchFile, JSON.stringify(batch));
    const results: MemoryProbeResult[] = [];
    for (let run = 0; run < runs; run++) results.push(await probe(kind, batchFile));
    const idleBytes = median(results.map((result) => result.idleBytes));
    const peakBytes = median(results.map((result) => result.peakBytes));
    return { idleBytes, peakBytes, overIdleBytes: median(results.map((result) => result.peakBytes - result.idleBytes)) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function probe(kind: string, batchFile: string): Promise<MemoryProbeResult> {
  return new Promise((resolve, reject) => {
    const child = fork(PROBE, [kind, batchFile], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let result: MemoryProbeResult | undefined;
    child.on('message', (message) => (result = message as MemoryProbeResult));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`memory probe (${kind}) exited with code ${code}`))));
  });
}
