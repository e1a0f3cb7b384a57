/** The lake layout (docs/contracts.md#store-layout), shared by every store kind. */
export const EVENTS_PREFIX = 'events/v1/';
export const QUARANTINE_PREFIX = 'quarantine/v1/';
/** Findings of detections, partitioned by the time of the event each fired on. */
export const FINDINGS_PREFIX = 'findings/v1/';
export const OBJECT_SUFFIX = '.ndjson.gz';
/** Where dead letters go: the Event Hubs function's dead-letter store, and the lake's own folder on the Firehose path. */
export const DEAD_LETTER_PREFIX = 'deadletter/v1/';

/** `dt=YYYY-MM-DD/hour=HH/` of a UTC ISO timestamp. */
export function partitionOf(utcIso: string): string {
  return `dt=${utcIso.slice(0, 10)}/hour=${utcIso.slice(11, 13)}/`;
}

export function objectKey(prefix: string, partition: string, batchKey: string): string {
  return `${prefix}${partition}${batchKey}${OBJECT_SUFFIX}`;
}

/** Partition (`dt`, `hour`) of an object key written by {@link objectKey}, or null. */
export function partitionOfKey(key: string): { dt: string; hour: string } | null {
  const match = /(?:^|\/)dt=(\d{4}-\d\d-\d\d)\/hour=(\d\d)\//.exec(key);
  return match ? { dt: match[1] as string, hour: match[2] as string } : null;
}

/** The query tier: Parquet rebuilt from the events of closed hours, with the manifests that say what each covers. */
export const COMPACTED_PREFIX = 'compacted/v1/';
export const PARQUET_SUFFIX = '.parquet';
export const MANIFEST_SUFFIX = '.manifest.json';
/**
 * Per compacted hour, the list of the Parquet objects its covering manifest names, as absolute
 * URIs: what Athena's symlink table reads instead of listing the hour's folder (which also holds
 * manifests, and Parquet objects a later compaction superseded).
 */
export const SYMLINK_LISTS_PREFIX = `${COMPACTED_PREFIX}athena/`;
