import { tmpdir } from 'node:os';
import type { Command } from 'commander';
import { type CompactionSummary, compactLake, DEFAULT_GRACE_MS, type HourResult } from '../../compaction/compactor.ts';
import { messageOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { parseTimeBound } from '../../query/time-range.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { openCliObjectStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

interface CompactOptions extends SharedOptionValues {
  before?: string;
}

export function registerCompact(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('compact')
    .description(COMMAND_SUMMARIES.compact)
    .addOption(SHARED_OPTIONS.store())
    .option('--before <time>', 'only hours ending at or before TIME: ISO-8601 or a duration ago (24h, 7d)')
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `
An hour is closed once it ended longer ago than $${SETTINGS.compactGrace} (default 1h). Run it as often as you like:
hours already compacted are skipped, an hour that received objects since is compacted again, and a
run killed at any point leaves every event readable once.

Examples:
  # every closed hour of the default store ./kaudit-data
  kaudit compact

  # an S3 lake, only hours that ended a day ago or earlier, summary as JSON
  kaudit compact --store s3://audit-lake/prod --before 24h --json
${exitStatusHelp({ ok: 'done: every closed hour in range is compacted', usage: true, failed: 'the store failed: run it again, what was compacted stays' })}`,
    )
    .action(async (options: CompactOptions) => setExit(await compactCommand(options, io)));
}

async function compactCommand(options: CompactOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const before = options.before === undefined ? null : timeOf('--before', () => parseTimeBound(options.before as string, now));
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  const graceMs = config.compactGrace ?? DEFAULT_GRACE_MS;
  const store = await openCliObjectStore(config, io);
  const onHour = options.json ? undefined : (hour: HourResult) => io.stderr.write(`kaudit: ${describeHour(hour)}\n`);
  const summary = await compactLake(store, { now, before, graceMs, workDir: tmpdir(), onHour });
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
