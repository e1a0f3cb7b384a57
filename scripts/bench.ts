/**
 * `npm run bench [-- --json] [--repeats N] [--ingest-mb N] [--ingest-only] [--ingest-root DIR]`: kaudit's functions against the floor of the work
 * they cannot avoid, on payloads as large as the platforms deliver; their memory, bundle sizes and
 * cold import times; and `kaudit ingest` of a generated audit.log of --ingest-mb MB (default 256)
 * by the checkout at --ingest-root (default this one), its peak RSS and events/s. A report, not a test: numbers vary by machine, nothing here fails on them.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleOptionsFor } from '../infra/packaging/esbuild-options.ts';
import { auditMixDescription } from './bench/audit-mix.ts';
import { breakdownEks } from './bench/breakdown.ts';
import { measureBundles } from './bench/bundles.ts';
import { formatFileIngest, generateAuditLog, measureFileIngest } from './bench/file-ingest.ts';
import { openFunctionPipelines } from './bench/function-pipelines.ts';
import { measureBatchMemory, measureLambdaBundleMemory } from './bench/memory.ts';
import { aksBatch, maxEksBatch } from './bench/payloads.ts';
import { type BenchResult, formatReport, type Machine, targetsOf, type WorkloadDescription } from './bench/report.ts';
import { compareAks, compareEks, comparePack } from './bench/throughput.ts';

const EKS_BATCHES = 8;
/** The Lambda function whose bundle is run for memory (functions/<name>/handler.ts). */
const EKS_FUNCTION = 'eks-cloudwatch';

const { values: options } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    repeats: { type: 'string', default: '9' },
    'ingest-mb': { type: 'string', default: '256' },
    'ingest-only': { type: 'boolean', default: false },
    'ingest-root': { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const ingestMb = Number(options['ingest-mb']);
if (!Number.isFinite(ingestMb) || ingestMb <= 0) throw new Error(`--ingest-mb must be a positive number, got ${options['ingest-mb']}`);
const repeats = Number(options.repeats);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats must be a positive integer, got ${options.repeats}`);
const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}\n`);

progress(`generating a ${ingestMb} MB audit.log and ingesting it in a child process…`);
const ingestDir = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-log-'));
const fileIngest = await (async () => {
  try {
    const file = path.join(ingestDir, 'audit.log');
    const events = await generateAuditLog(file, ingestMb * 1e6);
    return await measureFileIngest(options['ingest-root'], file, statSync(file).size, events);
  } finally {
    rmSync(ingestDir, { recursive: true, force: true });
  }
})();
if (options['ingest-only']) {
  process.stdout.write(options.json ? `${JSON.stringify(fileIngest, null, 2)}\n` : formatFileIngest(fileIngest));
  process.exit(0);
}

progress('generating payloads…');
const eksBatches = Array.from({ length: EKS_BATCHES }, (_, index) => maxEksBatch(index + 1));
const aks = aksBatch(1);

progress('timing floor and pipeline…');
const pipelines = await openFunctionPipelines();
const { throughput, breakdown } = await (async () => {
  try {
    return {
      throughput: {
        eks: await compareEks(eksBatches, pipelines, { warmups: 1, repeats }),
        aks: await compareAks([aks], pipelines, { warmups: 1, repeats: Math.max(3, Math.ceil(repeats / 2)) }),
        eksWithPack: await comparePack(eksBatches, pipelines, { warmups: 1, repeats }),
      },
      breakdown: await breakdownEks(eksBatches, pipelines, repeats),
    };
  } finally {
    pipelines.close();
  }
})();

progress('measuring memory in child processes…');
const largestEks = eksBatches.reduce((largest, batch) => (batch.payloadBytes > largest.payloadBytes ? batch : largest));
const eksMemory = await measureBatchMemory('eks', largestEks, 3);
const aksMemory = await measureBatchMemory('aks', aks, 3);

progress('building bundles and timing cold imports…');
const bundleDir = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-bundles-'));
const { bundles, lambdaMemory } = await (async () => {
  try {
    const figures = await measureBundles(bundleDir, 7);
    const eksBundle = path.join(bundleDir, EKS_FUNCTION, bundleOptionsFor('aws-lambda').outputFile);
    return { bundles: figures, lambdaMemory: measureLambdaBundleMemory(eksBundle, largestEks) };
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
})();

const partial: Omit<BenchResult, 'targets'> = {
  machine: machine(),
  mix: auditMixDescription(),
  workload: { eks: describe(eksBatches), aks: describe([aks]) },
  throughput,
  breakdown,
  memory: { eks: eksMemory, eksLambdaBundle: lambdaMemory, aks: { ...aksMemory, batchBytes: aks.payloadBytes, overIdlePerBatchByte: aksMemory.overIdleBytes / aks.payloadBytes } },
  bundles,
};
const result: BenchResult = { ...partial, targets: targetsOf(partial) };
process.stdout.write(options.json ? `${JSON.stringify({ ...result, fileIngest }, null, 2)}\n` : `${formatReport(result)}\n${formatFileIngest(fileIngest)}`);

function machine(): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return { cpus: cpus().length, cpuModel: model.trim(), node: process.versions.node, platform: `${process.platform} ${process.arch}` };
}

function describe(batches: readonly { events: number; payloadBytes: number }[]): WorkloadDescription {
  return {
    batches: batches.length,
    eventsPerBatch: Math.round(batches.reduce((total, batch) => total + batch.events, 0) / batches.length),
    payloadBytesPerBatch: Math.round(batches.reduce((total, batch) => total + batch.payloadBytes, 0) / batches.length),
  };
}
