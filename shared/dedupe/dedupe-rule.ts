/**
 * The one dedupe rule: two rows with the same `event_id` are the same event (the id is
 * deterministic, so every path that reads an event gives it the same id), and one copy is kept.
 * It holds in three places, each catching what the one before cannot see:
 *
 * 1. Within a batch (./batch-deduper.ts, used by the pipeline): an event a batch carries twice
 *    (AKS's `kube-audit` and `kube-audit-admin` in one delivery) is stored once, the first in input
 *    order, and counted once as a duplicate.
 * 2. Across deliveries of a batch (shared/store): every object is named by the batch's key and
 *    hour and written create-if-absent (`If-None-Match: *`, `link(2)`), so a redelivered or
 *    replayed batch finds its objects already there and counts their rows as duplicates.
 * 3. Across batches and paths (the query layer, and compaction, which keep one row per event with
 *    {@link oneRowPerEventSql}): the same event read through two paths (a backfill overlapping live
 *    ingestion, both AKS categories in separate batches) is stored twice and read once. The copy
 *    kept is the earliest stored: lowest `ingest_time`, then `source_stream`, then
 *    `source_record_index` ({@link COPY_ORDER}).
 */
import type { CanonicalEvent } from '../schema/canonical-event.ts';

/** The column two copies of an event share. */
export const DEDUPE_KEY = 'event_id' satisfies keyof CanonicalEvent;

/** Which copy of an event wins: the first in this order. Any copy holds the same event. */
const COPY_ORDER = ['ingest_time', 'source_stream', 'source_record_index'] as const satisfies readonly (keyof CanonicalEvent)[];

/**
 * DuckDB SQL selecting one row per event from `relation` (a table, view or subquery holding every
 * stored row, with the canonical columns and any others): the winning copy, with every column of it.
 * `within`: columns every copy of an event shares (its hour partition, its time), named so that a
 * filter on them reaches the files below instead of stopping at the window.
 */
export function oneRowPerEventSql(relation: string, within: readonly string[] = []): string {
  return `SELECT * EXCLUDE (kaudit_copy) FROM (
         SELECT *, row_number() OVER (PARTITION BY ${[...within, DEDUPE_KEY].join(', ')} ORDER BY ${COPY_ORDER.join(', ')}) AS kaudit_copy
         FROM ${relation}) WHERE kaudit_copy = 1`;
}
