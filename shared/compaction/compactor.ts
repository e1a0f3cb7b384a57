/**
 * Compaction of the lake: every closed hour whose NDJSON objects no manifest fully covers is
 * rewritten as Parquet. The order of writes is what makes it safe to kill at any point: the Parquet
 * objects first (named by their bytes, create-only), then, on a store Athena reads, the hour's
 * symlink list naming them (replaced), the manifest last (named by what it covers, create-only).
 * Until its manifest exists an hour reads from its NDJSON objects; orphaned Parquet objects of a
 * killed run are never read. A list written before a kill names Parquet that holds every event of
 * the objects listed when the run started, so Athena is right either way, and the next run
 * rewrites it. The NDJSON objects are only read, never changed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { forEachConcurrently } from '../core/concurrency.ts';
import { sha256File } from '../core/digest.ts';
import { type CompactionManifest, type HourPartition, MANIFEST_KIND, manifestKeyOf, parquetKeyOf } from '../store/compaction-manifest.ts';
import { type HourTiers, listHourTiers } from '../store/lake-tiers.ts';
import type { ObjectStore, StoredObject } from '../store/object-store.ts';
import { HourParquetWriter, type SourceFile } from './parquet-writer.ts';
import { writeMissingSymlinkLists, writeSymlinkList } from './symlink-lists.ts';

const HOUR_MS = 3_600_000;
/** How long after its end an hour counts as closed: late deliveries land in it until then. */
export const DEFAULT_GRACE_MS = HOUR_MS;
/** DuckDB's share of memory: reading a slice does not fit in much less (docs/performance.md, the query tier). */
const DEFAULT_MEMORY_LIMIT = '128MB';
// Enough parallel GETs to hide per-request latency to a cloud store, few enough to stay polite.
const PARALLEL_DOWNLOADS = 8;

export interface CompactOptions {
  now: Date;
  /** Only hours ending at or before this time; null: every closed hour. */
  before: Date | null;
  graceMs: number;
  /** A directory for staged objects, Parquet files and DuckDB's spill, emptied after each hour. */
  workDir: string;
  memoryLimit?: string;
  onHour?: (result: HourResult) => void;
  /** Asked before each hour: true ends the run there, leaving the hours not started to the next run (a scheduled job's deadline). */
  shouldStop?: () => boolean;
}

export interface HourResult extends HourPartition {
  /** NDJSON objects the new manifest covers, of which `late` arrived after the previous compaction. */
  objects: number;
  late: number;
  events: number;
  parquetObjects: number;
  parquetBytes: number;
  manifest: string;
}

export interface CompactionSummary {
  /** Closed hours found, and of them the ones compacted by this run. */
  closedHours: number;
  compacted: HourResult[];
  events: number;
  parquetBytes: number;
  /** Closed hours that still need compacting: left because the run was told to stop. */
  pendingHours: number;
}

export async function compactLake(store: ObjectStore, options: CompactOptions): Promise<CompactionSummary> {
  const cutoff = Math.min(options.now.getTime() - options.graceMs, options.before?.getTime() ?? Number.POSITIVE_INFINITY);
  const closed = await listHourTiers(store, null, (partition) => hourStart(partition) + HOUR_MS <= cutoff);
  await writeMissingSymlinkLists(
    store,
    closed.filter((hour) => hour.uncovered.length === 0),
  );
  const pending = closed.filter((hour) => hour.uncovered.length > 0);
  const summary: CompactionSummary = { closedHours: closed.length, compacted: [], events: 0, parquetBytes: 0, pendingHours: pending.length };
  if (pending.length === 0) return summary;
  const runDir = path.join(options.workDir, `kaudit-compact-${randomBytes(6).toString('hex')}`);
  const writer = await HourParquetWriter.open({ memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, spillDir: path.join(runDir, 'spill') });
  try {
    for (const hour of pending) {
      if (options.shouldStop?.()) break;
      const result = await compactHour(store, hour, writer, path.join(runDir, `${hour.dt}-${hour.hour}`));
      summary.compacted.push(result);
      summary.events += result.events;
      summary.parquetBytes += result.parquetBytes;
      summary.pendingHours--;
      options.onHour?.(result);
    }
  } finally {
    writer.close();
    await fs.rm(runDir, { recursive: true, force: true });
  }
  return summary;
}

async function compactHour(store: ObjectStore, hour: HourTiers, writer: HourParquetWriter, hourDir: string): Promise<HourResult> {
  const sources = hour.objects;
  try {
    await fs.mkdir(hourDir, { recursive: true });
    const local = await stageObjects(store, sources, path.join(hourDir, 'objects'));
    const parquet = await writer.write(local, path.join(hourDir, 'parquet'));
    const stored: CompactionManifest['parquet'] = [];
    for (const file of parquet.files) {
      // Read as streams, for the name and for the store: a Parquet file is never held whole.
      const key = parquetKeyOf(hour, await sha256File(file.path));
      await store.putFileIfAbsent(key, file.path);
      stored.push({ key, size: (await fs.stat(file.path)).size, rows: file.rows });
    }
    await writeSymlinkList(store, hour, stored);
    const manifest: CompactionManifest = {
      kind: MANIFEST_KIND,
      dt: hour.dt,
      hour: hour.hour,
      sources: sources.map(({ key, size }) => ({ key, size })),
      parquet: stored,
      rows: parquet.rows,
      created: new Date().toISOString(),
    };
    const manifestKey = manifestKeyOf(hour, sources);
    await store.putIfAbsent(manifestKey, Buffer.from(`${JSON.stringify(manifest)}\n`));
    return {
      dt: hour.dt,
      hour: hour.hour,
      objects: sources.length,
      late: hour.manifest ? hour.uncovered.length : 0,
      events: parquet.rows,
      parquetObjects: stored.length,
      parquetBytes: stored.reduce((sum, object) => sum + object.size, 0),
      manifest: manifestKey,
    };
  } finally {
    await fs.rm(hourDir, { recursive: true, force: true });
  }
}

/** Local paths of the objects: a local store's files in place, a cloud store's downloaded into `directory`. */
async function stageObjects(store: ObjectStore, objects: readonly StoredObject[], directory: string): Promise<SourceFile[]> {
  const root = store.localRoot;
  if (root !== undefined) return objects.map((object) => ({ path: path.join(root, object.key), size: object.size }));
  await fs.mkdir(directory, { recursive: true });
  const paths = objects.map((_, index) => path.join(directory, `${index}.ndjson.gz`));
  await forEachConcurrently(objects, PARALLEL_DOWNLOADS, async (object, index) => {
    await fs.writeFile(paths[index] as string, await store.get(object.key));
  });
  return paths.map((file, index) => ({ path: file, size: (objects[index] as StoredObject).size }));
}

function hourStart(partition: HourPartition): number {
  return Date.parse(`${partition.dt}T${partition.hour}:00:00Z`);
}
