import path from 'node:path';
import { type Command, Option } from 'commander';
import { messageOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { type CacheProgress, cacheDirFor, pullIntoCache } from '../../query/lake-cache.ts';
import { LakeQuery } from '../../query/lake-query.ts';
import { parseTimeRange, type TimeRange } from '../../query/time-range.ts';
import { resolveFileStoreUrl } from '../../store/file-object-store.ts';
import type { ObjectStore } from '../../store/object-store.ts';
import { openObjectStore, resolveStoreUrl } from '../../store/open-store.ts';
import { type CliIo, EXIT, UsageError } from '../cli-io.ts';
import { formatRows, ROW_FORMATS, type RowFormat } from '../format-rows.ts';

interface QueryOptions {
  store?: string;
  format: RowFormat;
  since?: string;
  until?: string;
}

export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('query')
    .description('run DuckDB SQL over the views events (one row per event), events_all, quarantine and events_ocsf')
    .argument('<sql>', 'SQL, e.g. "SELECT user_name, count(*) FROM events GROUP BY 1"')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--since <time>', 'only events at or after TIME: ISO-8601 (UTC unless it says otherwise) or a duration ago (24h, 7d)')
    .option('--until <time>', 'only events before TIME')
    .addOption(new Option('--format <format>', 'output format').choices(ROW_FORMATS).default('table'))
    .addHelpText('after', '\nCloud stores (s3://, azblob://) are queried through a local cache of the partitions in range:\n$KAUDIT_CACHE_DIR, default ./.kaudit-cache.')
    .action(async (sql: string, options: QueryOptions) => setExit(await queryCommand(sql, options, io)));
}

async function queryCommand(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const range = timeRangeOf(options, now);
  const objects = await openObjectStore(resolveFileStoreUrl(resolveStoreUrl(options.store, io.env), io.cwd), io.env);
  // A local store is read in place; a cloud one through the cache, which DuckDB reads like a local lake.
  const root = objects.localRoot ?? (await pullPartitions(objects, range, now, io));
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
async function pullPartitions(objects: ObjectStore, range: TimeRange, now: Date, io: CliIo): Promise<string> {
  const root = cacheDirFor(objects.url, path.resolve(io.cwd, io.env[SETTINGS.cacheDir] || '.kaudit-cache'));
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
