import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nextAuditEvent } from './audit-mix.ts';
import { Sequence } from './sequence.ts';

export interface FileIngestFigures {
  /** The checkout whose `bin/kaudit.mjs` ran. */
  root: string;
  fileBytes: number;
  events: number;
  exitCode: number | null;
  /** The summary `--json` printed, or the message when it failed. */
  outcome: string;
  peakRssBytes: number;
  seconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
}

/** Writes an audit.log of at least `bytes` bytes of the benchmark's audit mix, one event per line as the log backend writes. */
export async function generateAuditLog(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const seq = new Sequence(7);
  let written = 0;
  let events = 0;
  while (written < bytes) {
    const line = `${JSON.stringify(nextAuditEvent(seq, 'eks'))}\n`;
    written += Buffer.byteLength(line);
    events++;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return events;
}

/**
 * `kaudit ingest` of `file` into a new file store, run by `root`'s `bin/kaudit.mjs` in a process of
 * its own under `/usr/bin/time`: its peak RSS, wall and CPU time.
 */
export async function measureFileIngest(root: string, file: string, fileBytes: number, events: number): Promise<FileIngestFigures> {
  const store = await mkdtemp(path.join(tmpdir(), 'kaudit-bench-lake-'));
  try {
    const run = spawnSync(
      '/usr/bin/time',
      ['-f', 'TIME %M %e %U %S', process.execPath, path.join(root, 'bin/kaudit.mjs'), 'ingest', '--store', `file://${store}`, '--cluster', 'bench', '--json', file],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const times = /TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(run.stderr);
    if (!times) throw new Error(`/usr/bin/time gave no figures: ${run.stderr.slice(-500)}`);
    const [, rssKb, elapsed, user, system] = times.map(Number) as [number, number, number, number, number];
    const message = run.stderr.replace(times[0], '').trim();
    return {
      root,
      fileBytes,
      events,
      exitCode: run.status,
      outcome: run.stdout.trim() || message.slice(0, 300),
      peakRssBytes: rssKb * 1024,
      seconds: elapsed,
      cpuSeconds: user + system,
      eventsPerSecond: run.status === 0 ? Math.round(events / elapsed) : 0,
    };
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}

export function formatFileIngest(figures: FileIngestFigures): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  return [
    `kaudit ingest of a generated audit.log (${figures.root}):`,
    `  file ${mb(figures.fileBytes)}, ${figures.events} events; exit ${figures.exitCode}: ${figures.outcome}`,
    `  peak RSS ${(figures.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${figures.seconds.toFixed(1)} s wall, ${figures.cpuSeconds.toFixed(1)} s CPU, ${figures.eventsPerSecond} events/s, ${(figures.fileBytes / 1e6 / figures.seconds).toFixed(1)} MB/s`,
    '',
  ].join('\n');
}
