/**
 * Each deployable function bundle, built exactly as `npm run package` builds it, with its size
 * and cold import time: a fresh `node` importing the bundle, timed inside that process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildFunctionBundle } from '../../infra/packaging/build-function-bundles.ts';
import { bundleOptionsFor } from '../../infra/packaging/esbuild-options.ts';
import { discoverFunctionEntries } from '../../infra/packaging/function-entries.ts';
import { median } from './statistics.ts';

export interface BundleFigures {
  name: string;
  platform: string;
  /** The deployable directory: the minified bundle and, for Azure, its host files; native packages included. */
  bytes: number;
  /** The JavaScript alone (every `.mjs` file of the bundle, chunks included). */
  codeBytes: number;
  /** A scheduled lake job (a Lambda function carrying DuckDB's binding): started once an hour, not on the ingest path. */
  job: boolean;
  zipBytes: number;
  /** Median over fresh processes, after one unmeasured import that warms the OS file cache; null when the import fails. */
  coldImportMs: number | null;
  /** CPU time of the same imports (median): what other load on the machine disturbs least. */
  coldImportCpuMs: number | null;
  /** Why the bundle could not be imported (outside its platform's host, say). */
  importError?: string;
}

const IMPORT_TIMER =
  'const cpu = process.cpuUsage(); const start = performance.now(); await import(process.argv[1]); const used = process.cpuUsage(cpu);' +
  ' process.stdout.write(`\\n${performance.now() - start} ${(used.user + used.system) / 1000}\\n`);';

export async function measureBundles(outDir: string, imports: number): Promise<BundleFigures[]> {
  const figures: BundleFigures[] = [];
  for (const entry of discoverFunctionEntries()) {
    const bundle = await buildFunctionBundle(entry, outDir);
    const file = path.join(bundle.directory, bundleOptionsFor(entry.platform).outputFile);
    const job = bundle.platform === 'aws-lambda' && bundle.nativePackages.length > 0;
    const built = { name: bundle.name, platform: bundle.platform, bytes: bundle.bytes, codeBytes: bundle.codeBytes, job, zipBytes: bundle.zipBytes };
    try {
      const times = Array.from({ length: imports + 1 }, () => importMs(file)).slice(1);
      figures.push({ ...built, coldImportMs: median(times.map((time) => time.wall)), coldImportCpuMs: median(times.map((time) => time.cpu)) });
    } catch (error) {
      figures.push({ ...built, coldImportMs: null, coldImportCpuMs: null, importError: (error as Error).message });
    }
  }
  return figures;
}

/** Milliseconds, wall-clock and CPU, that a fresh node takes to import the bundle. */
function importMs(file: string): { wall: number; cpu: number } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [wall, cpu] = (child.stdout.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (child.status !== 0 || !Number.isFinite(wall) || !Number.isFinite(cpu)) throw new Error(firstErrorLine(child.stderr || child.stdout));
  return { wall: wall as number, cpu: cpu as number };
}

function firstErrorLine(output: string): string {
  return output.split('\n').find((line) => /^\w*Error/.test(line)) ?? output.trim().split('\n')[0] ?? 'no output';
}
