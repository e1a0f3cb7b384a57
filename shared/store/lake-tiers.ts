/**
 * What the lake holds per hour across its two tiers: the NDJSON objects (the evidence), the
 * manifest that covers most of them, and the objects no manifest covers yet (late arrivals, hours
 * not compacted). Readers take the manifest's Parquet plus the uncovered objects: every event once.
 */
import { forEachConcurrently } from '../core/concurrency.ts';
import { type CompactionManifest, compactedHourPrefix, coveringManifest, type HourPartition, objectIdentity, parseManifest } from './compaction-manifest.ts';
import { COMPACTED_PREFIX, EVENTS_PREFIX, MANIFEST_SUFFIX, OBJECT_SUFFIX, partitionOfKey } from './layout.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';

/** Manifest reads in flight at once: enough to hide a cloud store's latency. */
const PARALLEL_MANIFEST_READS = 16;

export interface HourTiers extends HourPartition {
  /** Every NDJSON object of the hour. */
  objects: StoredObject[];
  /** The manifest readers use, or null when the hour is not compacted, and the object it was read from. */
  manifest: CompactionManifest | null;
  manifestObject: StoredObject | null;
  /** The NDJSON objects that manifest does not cover (all of them without one). */
  uncovered: StoredObject[];
}

/**
 * The tiers of every hour under the `dt` partitions `days` (null: the whole lake), in time order,
 * keeping the hours `keep` accepts.
 */
export async function listHourTiers(store: ObjectStore, days: readonly string[] | null, keep: (partition: HourPartition) => boolean = () => true): Promise<HourTiers[]> {
  const hours = new Map<string, { partition: HourPartition; objects: StoredObject[]; manifestObjects: StoredObject[] }>();
  const hourOf = (partition: HourPartition) => {
    const id = `${partition.dt}/${partition.hour}`;
    let entry = hours.get(id);
    if (!entry) {
      entry = { partition, objects: [], manifestObjects: [] };
      hours.set(id, entry);
    }
    return entry;
  };
  for (const { object, partition } of await listPartitioned(store, EVENTS_PREFIX, OBJECT_SUFFIX, days, keep)) hourOf(partition).objects.push(object);
  for (const { object, partition } of await listPartitioned(store, COMPACTED_PREFIX, MANIFEST_SUFFIX, days, keep)) hourOf(partition).manifestObjects.push(object);
  const sorted = [...hours.values()].sort((a, b) => (hourId(a.partition) < hourId(b.partition) ? -1 : 1));
  const tiers: HourTiers[] = new Array(sorted.length);
  // Hours' manifests read together: one after another, a week of hours waits on 168 reads in turn.
  await forEachConcurrently(sorted, PARALLEL_MANIFEST_READS, async ({ partition, objects, manifestObjects }, index) => {
    const chosen = await readCoveringManifest(store, partition, manifestObjects);
    const covered = new Set(chosen?.manifest.sources.map(objectIdentity));
    tiers[index] = {
      ...partition,
      objects,
      manifest: chosen?.manifest ?? null,
      manifestObject: chosen?.object ?? null,
      uncovered: objects.filter((object) => !covered.has(objectIdentity(object))),
    };
  });
  return tiers;
}

/** The objects named `*suffix` in the hour partitions under `prefix` (of the `dt` partitions `days`; null: all) that `keep` accepts. */
export async function listPartitioned(
  store: ObjectStore,
  prefix: string,
  suffix: string,
  days: readonly string[] | null,
  keep: (partition: HourPartition) => boolean,
): Promise<{ object: StoredObject; partition: HourPartition }[]> {
  const found: { object: StoredObject; partition: HourPartition }[] = [];
  for (const listPrefix of days ? days.map((day) => `${prefix}dt=${day}/`) : [prefix]) {
    for await (const object of store.list(listPrefix)) {
      const partition = partitionOfKey(object.key);
      if (partition && object.key.endsWith(suffix) && keep(partition)) found.push({ object, partition });
    }
  }
  return found;
}

async function readCoveringManifest(
  store: ObjectStore,
  partition: HourPartition,
  objects: readonly StoredObject[],
): Promise<{ manifest: CompactionManifest; object: StoredObject } | null> {
  const manifests: { key: string; manifest: CompactionManifest; object: StoredObject }[] = [];
  for (const object of objects) {
    if (!object.key.startsWith(compactedHourPrefix(partition))) continue;
    const manifest = parseManifest(object.key, await store.get(object.key), partition);
    if (manifest) manifests.push({ key: object.key, manifest, object });
  }
  return coveringManifest(manifests);
}

function hourId(partition: HourPartition): string {
  return `${partition.dt}/${partition.hour}`;
}
