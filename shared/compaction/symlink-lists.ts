/**
 * The per-hour symlink lists Athena reads the Parquet tier through (docs/query-tier.md#athena), on
 * stores that offer them (S3). Compaction writes an hour's list after its Parquet objects and
 * before its manifest; a compacted hour found without a list (compacted before lists existed, or
 * by a run killed between the two writes of an hour it has since found covered) gets one from its
 * covering manifest, so Athena's `events` view never misses a compacted hour.
 */
import { type CompactionManifest, type HourPartition, symlinkListKeyOf } from '../store/compaction-manifest.ts';
import type { HourTiers } from '../store/lake-tiers.ts';
import { SYMLINK_LISTS_PREFIX } from '../store/layout.ts';
import type { ObjectStore } from '../store/object-store.ts';

/** Writes the hour's list of its Parquet objects' URIs; nothing on a store without lists. */
export async function writeSymlinkList(store: ObjectStore, hour: HourPartition, parquet: CompactionManifest['parquet']): Promise<void> {
  const lists = store.symlinkLists;
  if (lists === undefined) return;
  await lists.replace(symlinkListKeyOf(hour), Buffer.from(parquet.map((object) => `${lists.uriOf(object.key)}\n`).join('')));
}

/** Writes the missing lists of `hours` that a manifest covers; the hours it wrote. */
export async function writeMissingSymlinkLists(store: ObjectStore, hours: readonly HourTiers[]): Promise<HourPartition[]> {
  if (store.symlinkLists === undefined) return [];
  const listed = new Set<string>();
  for await (const object of store.list(SYMLINK_LISTS_PREFIX)) listed.add(object.key);
  const missing = hours.filter((hour) => hour.manifest !== null && !listed.has(symlinkListKeyOf(hour)));
  for (const hour of missing) await writeSymlinkList(store, hour, hour.manifest?.parquet ?? []);
  return missing.map(({ dt, hour }) => ({ dt, hour }));
}
