import path from 'node:path';
import type { Command } from 'commander';
import { messageOf } from '../../core/errors.ts';
import { type CacheProgress, cacheDirFor, pullIntoCache } from '../../query/lake-cache.ts';
import { LakeQuery } from '../../query/lake-query.ts';
import { parseTimeRange, type TimeRange } from '../../query/time-range.ts';
import type { ObjectStore } from '../../store/object-store.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { formatRows, type RowFormat } from '../format-rows.ts';
import { openCliObjectStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

interface QueryOptions extends SharedOptionValues {
  format: RowFormat;
  since?: string;
  until?: string;
}

const EXAMPLES = `
Examples:
  # forbidden requests by user, across every cluster in the default store
  kaudit query "SELECT user_name, count(*) AS n FROM events WHERE outcome = 'failure' GROUP BY ALL ORDER BY n DESC"

  # the last day of an S3 lake, as CSV
  kaudit query --store s3://audit-lake/k8s --since 24h --format csv "SELECT time, verb, object_resource FROM events"

  # why records were quarantined, one JSON object per row
  kaudit query --format json "SELECT reason, count(*) AS n FROM quarantine GROUP BY reason"

Cloud stores (s3://, azblob://) are queried through a local cache of the partitions in range:
$KAUDIT_CACHE_DIR, default ./.kaudit-cache.`;

export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('query')
    .description('run DuckDB SQL over the views events (one row per event), events_all and quarantine')
    .argument('<sql>', 'SQL, e.g. "SELECT user_name, count(*) FROM events GROUP BY 1"')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.since())
    .addOption(SHARED_OPTIONS.until())
    .addOption(SHARED_OPTIONS.format())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `${EXAMPLES}\n${exitStatusHelp({ ok: 'the query ran', usage: 'usage error, a bad time, or SQL DuckDB refuses', failed: 'the store could not be listed or read' })}`,
    )
    .action(async (sql: string, options: QueryOptions) => setExit(await queryCommand(sql, options, io)));
}

async function queryCommand(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const range = timeRangeOf(options, now);
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  const objects = await openCliObjectStore(config, io);
  // A local store is read in place; a cloud one through the cache, which DuckDB reads like a local lake.
  const root = objects.localRoot ?? (await pullPartitions(objects, range, now, config.cacheDir, io));
  const lake = await LakeQuery.open(root, range);
  try {
    const result = await lake.run(sql).catch((error: Error) => {
      throw new UsageError(`query failed: ${error.message.split('\n')[0]}`);
    });
    io.stdout.write(formatRows(result, options.format));
    return EXIT.ok;
  } finally {
    lake.close();
  }
}

function timeRangeOf(options: QueryOptions, now: Date): TimeRange {
  try {
    return parseTimeRange({ since: options.since, until: options.until }, now);
  } catch (error) {
    throw new UsageError(`--since/--until: ${messageOf(error)}`);
  }
}

/** Pulls the partitions in range into the store's cache directory, with progress on stderr. */
async function pullPartitions(objects: ObjectStore, range: TimeRange, now: Date, cacheDir: string, io: CliIo): Promise<string> {
  const root = cacheDirFor(objects.url, path.resolve(io.cwd, cacheDir));
  // A live counter on a terminal; a log or a pipe gets the summary line only.
  const live = (io.stderr as { isTTY?: boolean }).isTTY === true;
  // Without a start the whole store is listed and copied: say so, since that may be a lot.
  if (range.since === null) io.stderr.write(`kaudit: no --since: pulling every partition of ${objects.url}${range.until ? ' before --until' : ''}\n`);
  const onProgress = live ? (progress: CacheProgress) => io.stderr.write(`\r${describePull(objects.url, progress)}`) : undefined;
  const pulled = await pullIntoCache(objects, root, range, { now, onProgress });
  io.stderr.write(`${live ? '\r' : ''}${describePull(objects.url, pulled)}\n`);
  return root;
}

/** `kaudit: s3://lake/prod: 12/40 objects in range, 5 downloaded (1.2 MB)`. */
function describePull(storeUrl: string, progress: CacheProgress): string {
  const megabytes = (progress.downloadedBytes / 1_000_000).toFixed(1);
  return `kaudit: ${storeUrl}: ${progress.done}/${progress.total} objects in range, ${progress.downloaded} downloaded (${megabytes} MB)`;
}
