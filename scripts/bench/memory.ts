/** Peak RSS of ingesting one batch, measured in a fresh child process (see memory-probe.ts). */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MemoryProbeResult } from './memory-probe.ts';
import type { AksBatch, EksBatch } from './payloads.ts';
import { median } from './statistics.ts';

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

/**
 * The Lambda bundle itself in a plain node, as Lambda runs it: RSS once imported, and the peak
 * while its handler stores one batch into a file store. What sizes the function's memory.
 */
const BUNDLE_PROBE = `
  const { readFileSync, writeFileSync } = await import('node:fs');
  const [bundle, batchFile] = process.argv.slice(1);
  const { handler } = await import(bundle);
  const event = JSON.parse(readFileSync(batchFile, 'utf8'));
  globalThis.gc();
  const idle = process.memoryUsage.rss();
  writeFileSync('/proc/self/clear_refs', '5');
  await handler(event, { awsRequestId: 'bench' });
  const peak = Number(/^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
  process.stdout.write('\\n' + idle + ' ' + peak + '\\n');
`;

export function measureLambdaBundleMemory(bundleFile: string, batch: EksBatch): MemoryFigures {
  const directory = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-bundle-memory-'));
  try {
    const batchFile = path.join(directory, 'event.json');
    writeFileSync(batchFile, JSON.stringify(batch.event));
    const env = { PATH: process.env.PATH, KAUDIT_STORE_URL: `file://${path.join(directory, 'store')}`, AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'ERROR' };
    const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', BUNDLE_PROBE, pathToFileURL(bundleFile).href, batchFile], { encoding: 'utf8', env });
    const [idleBytes, peakBytes] = (child.stdout.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (child.status !== 0 || !Number.isFinite(idleBytes) || !Number.isFinite(peakBytes)) throw new Error(`Lambda bundle memory probe failed: ${child.stderr}`);
    return { idleBytes: idleBytes as number, peakBytes: peakBytes as number, overIdleBytes: (peakBytes as number) - (idleBytes as number) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
