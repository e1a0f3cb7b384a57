import path from 'node:path';
import type { KauditConfig } from '../config/settings-schema.ts';
import { messageOf } from '../core/errors.ts';
import { type CacheProgress, cacheDirFor, pullIntoCache } from '../query/lake-cache.ts';
import { LakeQuery } from '../query/lake-query.ts';
import { parseTimeRange, type TimeRange } from '../query/time-range.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { type CliIo, UsageError } from './cli-io.ts';
import { openCliObjectStore } from './ingest-setup.ts';

/** The time flags every command that reads the lake takes (the store comes with the configuration). */
export interface LakeOptions {
  since?: string;
  until?: string;
}

/** The lake's views over a time range, and the range, as `--since`/`--until` gave it. */
export interface OpenedLake {
  lake: LakeQuery;
  range: TimeRange;
  storeUrl: string;
  /** The local directory DuckDB reads: the store itself, or its cache. */
  root: string;
}

/**
 * Opens the store's lake for reading: a local store in place, a cloud one through the cache
 * (the partitions in range pulled first, progress on stderr), which DuckDB reads like a local lake.
 */
export async function openLake(config: KauditConfig, options: LakeOptions, io: CliIo, now: Date): Promise<OpenedLake> {
  return openLakeOver(config, timeRangeOf(options, now), io, now);
}

/** As `openLake`, over a range the command worked out itself (e.g. a detection window widened by its baseline). */
export async function openLakeOver(config: KauditConfig, range: TimeRange, io: CliIo, now: Date): Promise<OpenedLake> {
  const objects = await openCliObjectStore(config, io);
  const root = objects.localRoot ?? (await pullPartitions(objects, range, now, config.cacheDir, io));
  return { lake: await LakeQuery.open(root, range), range, storeUrl: objects.url, root };
}

export function timeRangeOf(options: LakeOptions, now: Date): TimeRange {
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
