import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { forEachConcurrently } from '../core/concurrency.ts';
import { sha256Hex } from '../core/digest.ts';
import { listHourTiers, listPartitioned } from '../store/lake-tiers.ts';
import { OBJECT_SUFFIX, QUARANTINE_PREFIX } from '../store/layout.ts';
import { type ObjectStore, type StoredObject, StoreError } from '../store/object-store.ts';
import { daysOf, partitionOverlaps, type TimeRange } from './time-range.ts';

/** Where a pull stands: `done` of `total` objects handled, of which `downloaded` fetched. */
export interface CacheProgress {
  total: number;
  done: number;
  downloaded: number;
  downloadedBytes: number;
}

export interface CachePullOptions {
  now: Date;
  onProgress?: (progress: CacheProgress) => void;
}

// Enough parallel GETs to hide per-request latency to a cloud store, few enough to stay polite.
const PARALLEL_DOWNLOADS = 8;

/**
 * Copies the lake objects of the partitions a time range touches from `store` into the directory
 * `root`, in the same layout, so DuckDB can read them without cloud extensions. Incremental:
 * lake objects are never rewritten, so a cached file of the listed size is that object already.
 */
export async function pullIntoCache(store: ObjectStore, root: string, range: TimeRange, options: CachePullOptions): Promise<CacheProgress> {
  const { data, manifests } = await objectsInRange(store, range, options.now);
  const progress: CacheProgress = { total: data.length + manifests.length, done: 0, downloaded: 0, downloadedBytes: 0 };
  const pull = async (object: StoredObject) => {
    const target = cachePath(root, object.key);
    if ((await sizeOf(target)) !== object.size) {
      await writeAtomically(target, await store.get(object.key));
      progress.downloaded++;
      progress.downloadedBytes += object.size;
    }
    progress.done++;
    options.onProgress?.({ ...progress });
  };
  // Manifests last, as compaction writes them: an interrupted pull never leaves one without its Parquet.
  await forEachConcurrently(data, PARALLEL_DOWNLOADS, pull);
  await forEachConcurrently(manifests, PARALLEL_DOWNLOADS, pull);
  return progress;
}

/** The cache directory of one store under `baseDir`: readable, and unique per store URL. */
export function cacheDirFor(storeUrl: string, baseDir: string): string {
  const readable = storeUrl.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const digest = sha256Hex(storeUrl).slice(0, 12);
  return path.join(baseDir, `${readable}-${digest}`);
}

/**
 * What a query of the range reads: of each compacted hour its manifest and Parquet objects, of every
 * hour the NDJSON objects no manifest covers, and the quarantine objects.
 */
async function objectsInRange(store: ObjectStore, range: TimeRange, now: Date): Promise<{ data: StoredObject[]; manifests: StoredObject[] }> {
  const days = daysOf(range, now);
  const inRange = (partition: { dt: string; hour: string }) => partitionOverlaps(range, partition);
  const data: StoredObject[] = [];
  const manifests: StoredObject[] = [];
  for (const hour of await listHourTiers(store, days, inRange)) {
    data.push(...(hour.manifest?.parquet ?? []).map(({ key, size }) => ({ key, size })), ...hour.uncovered);
    if (hour.manifestObject) manifests.push(hour.manifestObject);
  }
  for (const { object } of await listPartitioned(store, QUARANTINE_PREFIX, OBJECT_SUFFIX, days, inRange)) data.push(object);
  return { data, manifests };
}

/** The cache file of a key; a key that would leave the cache (`..`) is refused, whatever the store holds. */
function cachePath(root: string, key: string): string {
  const resolved = path.resolve(root, key);
  if (!resolved.startsWith(path.resolve(root) + path.sep)) throw new StoreError(`key ${JSON.stringify(key)} leaves the cache directory ${root}`, key);
  return resolved;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Temp file and rename, so an interrupted pull leaves no partial file for a query to read. */
async function writeAtomically(target: string, body: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  // Dot-prefixed and without the object suffix: never matched by the views' glob.
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await fs.writeFile(temporary, body);
    await fs.rename(temporary, target);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}
