import type { Provenance } from '../schema/canonical-event.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';
import type { SourceRecord } from './source-record.ts';
import { KAUDIT_VERSION } from './version.ts';

/** Why a decoder passed over a record on purpose. */
export type SkipReason = 'control_message' | 'not_audit_stream' | 'not_audit_category' | 'policy' | 'omitted_stage';

/**
 * What a decoder made of one source batch: audit event records to normalize, records skipped by
 * design (counted by reason), and records already known to be bad.
 */
export interface DecodedBatch {
  /** Identity of the source batch (docs/contracts.md#batch-keys): a redelivered batch has the same key. */
  batchKey: string;
  records: SourceRecord[];
  skipped: Partial<Record<SkipReason, number>>;
  quarantined: QuarantineRecord[];
}

export function emptyBatch(batchKey: string): DecodedBatch {
  return { batchKey, records: [], skipped: {}, quarantined: [] };
}

export function countSkip(batch: DecodedBatch, reason: SkipReason, count = 1): void {
  if (count > 0) batch.skipped[reason] = (batch.skipped[reason] ?? 0) + count;
}

/** Records a batch came with: to normalize, quarantined already, or skipped by design. */
export function receivedOf(batch: DecodedBatch): number {
  return batch.records.length + batch.quarantined.length + Object.values(batch.skipped).reduce<number>((total, count) => total + (count ?? 0), 0);
}

/** Appends one decoded batch's contents to another (a file holding several envelopes). */
export function mergeInto(target: DecodedBatch, source: DecodedBatch): void {
  target.records.push(...source.records);
  target.quarantined.push(...source.quarantined);
  for (const [reason, count] of Object.entries(source.skipped)) countSkip(target, reason as SkipReason, count);
}

type ProvenanceRequired = Pick<Provenance, 'platform' | 'cloud_provider' | 'source_type' | 'ingest_time'>;

/** A full provenance, in schema order, with every field not given set to null. */
export function provenanceOf(fields: ProvenanceRequired & Partial<Provenance>): Provenance {
  return {
    platform: fields.platform,
    cloud_provider: fields.cloud_provider,
    cloud_account_id: fields.cloud_account_id ?? null,
    cloud_region: fields.cloud_region ?? null,
    azure_resource_group: fields.azure_resource_group ?? null,
    cluster_name: fields.cluster_name ?? null,
    cluster_id: fields.cluster_id ?? null,
    source_type: fields.source_type,
    source_stream: fields.source_stream ?? null,
    source_category: fields.source_category ?? null,
    source_partition: fields.source_partition ?? null,
    source_offset: fields.source_offset ?? null,
    source_record_id: fields.source_record_id ?? null,
    source_record_index: fields.source_record_index ?? null,
    source_time: fields.source_time ?? null,
    ingest_time: fields.ingest_time,
    normalizer_version: fields.normalizer_version ?? KAUDIT_VERSION,
  };
}

/**
 * The key of part `index` of a source batch stored in several parts (a source batch holding more
 * records than one batch may): `<key>` for the first, `<key>-<index>` for the others. Derived
 * from the source batch's key and the part's position only, so a redelivered source batch maps
 * every part to the objects it was stored as before.
 */
export function partKey(batchKey: string, index: number): string {
  return index === 0 ? batchKey : `${batchKey}-${index}`;
}
