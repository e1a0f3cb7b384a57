import { tmpdir } from 'node:os';
import type { Command } from 'commander';
import { type CompactionSummary, compactLake, DEFAULT_GRACE_MS, type HourResult } from '../../compaction/compactor.ts';
import { parseGrace } from '../../compaction/grace.ts';
import { messageOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { parseTimeBound } from '../../query/time-range.ts';
import { resolveFileStoreUrl } from '../../store/file-object-store.ts';
import { StoreError } from '../../store/object-store.ts';
import { openObjectStore, resolveStoreUrl } from '../../store/open-store.ts';
import { type CliIo, EXIT, UsageError } from '../cli-io.ts';

interface CompactOptions {
  store?: string;
  before?: string;
  json?: boolean;
}

export function registerCompact(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('compact')
    .description('rewrite closed hours of events as Parquet for fast queries; the gzip NDJSON objects stay as they are')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--before <time>', 'only hours ending at or before TIME: ISO-8601 or a duration ago (24h, 7d)')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      `
An hour is closed once it ended longer ago than $${SETTINGS.compactGrace} (default 1h). Run it as often as you like:
hours already compacted are skipped, an hour that received objects since is compacted again, and a
run killed at any point leaves every event readable once.

Examples:
  kaudit compact
  kaudit compact --store s3://audit-lake/prod --before 24h --json

Exit status: 0 done, 2 usage error, 3 the store failed (run it again).`,
    )
    .action(async (options: CompactOptions) => setExit(await compactCommand(options, io)));
}

async function compactCommand(options: CompactOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const before = options.before === undefined ? null : timeOf('--before', () => parseTimeBound(options.before as string, now));
  const graceText = io.env[SETTINGS.compactGrace];
  const graceMs = graceText ? timeOf(SETTINGS.compactGrace, () => parseGrace(graceText)) : DEFAULT_GRACE_MS;
  const store = await openObjectStore(resolveFileStoreUrl(resolveStoreUrl(options.store, io.env), io.cwd), io.env);
  const onHour = options.json ? undefined : (hour: HourResult) => io.stderr.write(`kaudit: ${describeHour(hour)}\n`);
  let summary: CompactionSummary;
  try {
    summary = await compactLake(store, { now, before, graceMs, workDir: tmpdir(), onHour });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    io.stderr.write(`kaudit: ${error.message}\n`);
    return EXIT.store;
  }
  io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary)}\n`);
  return EXIT.ok;
}

function timeOf<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${what}: ${messageOf(error)}`);
  }
}

/** `dt=2026-11-20/hour=14: 1,204 events from 12 objects (3 late) → 2 Parquet objects, 0.4 MB`. */
function describeHour(hour: HourResult): string {
  const late = hour.late > 0 ? ` (${hour.late} late)` : '';
  return `dt=${hour.dt}/hour=${hour.hour}: ${hour.events} events from ${hour.objects} objects${late} → ${hour.parquetObjects} Parquet objects, ${(hour.parquetBytes / 1e6).toFixed(1)} MB`;
}

function describeSummary(summary: CompactionSummary): string {
  const upToDate = summary.closedHours - summary.compacted.length;
  return `${summary.compacted.length} hours compacted (${summary.events} events, ${(summary.parquetBytes / 1e6).toFixed(1)} MB of Parquet), ${upToDate} closed hours already up to date`;
}
