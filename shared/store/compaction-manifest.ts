/**
 * The manifest of a compacted hour: which NDJSON objects (key and size) its Parquet objects hold,
 * one row per event. Written last and create-only, so a manifest exists only once everything it
 * names does; readers trust an hour's Parquet only through a manifest, and read every NDJSON object
 * no manifest covers. Compaction writes it; the query layer and its cache read it.
 */
import * as z from 'zod';
import { sha256Hex } from '../core/digest.ts';
import { COMPACTED_PREFIX, MANIFEST_SUFFIX, PARQUET_SUFFIX, SYMLINK_LISTS_PREFIX } from './layout.ts';
import type { StoredObject } from './object-store.ts';

export const MANIFEST_KIND = 'kaudit.compaction/v1';

const HOUR_KEY = /^(?:[^/]+\/)*dt=\d{4}-\d\d-\d\d\/hour=\d\d\/[^/]+$/;

const StoredObjectSchema = z.object({ key: z.string().regex(HOUR_KEY), size: z.number().int().nonnegative() });

const CompactionManifestSchema = z.object({
  kind: z.literal(MANIFEST_KIND),
  dt: z.iso.date(),
  hour: z.string().regex(/^\d\d$/),
  /** The NDJSON objects compacted, as listed when compaction started. */
  sources: z.array(StoredObjectSchema),
  /** The Parquet objects, in time order; together one row per event of the sources. */
  parquet: z.array(StoredObjectSchema.extend({ rows: z.number().int().nonnegative() })),
  /** Events written: one row per event of the sources. */
  rows: z.number().int().nonnegative(),
  created: z.iso.datetime(),
});
export type CompactionManifest = z.infer<typeof CompactionManifestSchema>;

export interface HourPartition {
  dt: string;
  hour: string;
}

/** `compacted/v1/dt=…/hour=…/`. */
export function compactedHourPrefix(partition: HourPartition): string {
  return `${COMPACTED_PREFIX}dt=${partition.dt}/hour=${partition.hour}/`;
}

/** The key of an hour's symlink list: one per hour, replaced by each compaction of it. */
export function symlinkListKeyOf(partition: HourPartition): string {
  return `${SYMLINK_LISTS_PREFIX}dt=${partition.dt}/hour=${partition.hour}/symlink.txt`;
}

/**
 * A manifest's key: named by what it covers, so compacting the same objects twice finds its
 * manifest there, and a run over more objects writes a new one beside it (never an overwrite).
 */
export function manifestKeyOf(partition: HourPartition, sources: readonly StoredObject[]): string {
  const covered = [...sources]
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((source) => `${source.key}\t${source.size}\n`)
    .join('');
  return `${compactedHourPrefix(partition)}${sha256Hex(covered).slice(0, 32)}${MANIFEST_SUFFIX}`;
}

/**
 * A Parquet object's key: named by its bytes (their SHA-256, `sha256File`), so a re-run writing the
 * same bytes finds them stored.
 */
export function parquetKeyOf(partition: HourPartition, sha256: Buffer): string {
  return `${compactedHourPrefix(partition)}${sha256.toString('hex').slice(0, 32)}${PARQUET_SUFFIX}`;
}

/**
 * The manifest stored at `key`, or null when it is not one for that hour: such a manifest is left
 * aside (the hour then reads as not compacted), never trusted.
 */
export function parseManifest(key: string, body: Buffer, partition: HourPartition): CompactionManifest | null {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = CompactionManifestSchema.safeParse(document);
  if (!parsed.success || parsed.data.dt !== partition.dt || parsed.data.hour !== partition.hour) return null;
  const prefix = compactedHourPrefix(partition);
  // Its Parquet must be of its own hour: a manifest cannot point readers elsewhere in the store.
  if (!key.startsWith(prefix) || parsed.data.parquet.some((object) => !object.key.startsWith(prefix))) return null;
  return parsed.data;
}

/** Of an hour's manifests, the one covering the most objects (ties: the newest, then the key). */
export function coveringManifest<T extends { key: string; manifest: CompactionManifest }>(manifests: readonly T[]): T | null {
  let best: T | null = null;
  for (const candidate of manifests) {
    if (best === null || rank(candidate) > rank(best)) best = candidate;
  }
  return best;
}

function rank(entry: { key: string; manifest: CompactionManifest }): string {
  return `${String(entry.manifest.sources.length).padStart(12, '0')} ${entry.manifest.created} ${entry.key}`;
}

/** A stored object's identity for coverage: its key and size (objects are never rewritten). */
export function objectIdentity(object: StoredObject): string {
  return `${object.key}\t${object.size}`;
}
