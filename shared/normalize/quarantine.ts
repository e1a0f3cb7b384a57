import { createHash } from 'node:crypto';
import type { Provenance } from '../schema/canonical-event.ts';
import type { QuarantineReason, QuarantineRecord } from '../schema/quarantine-record.ts';

/** Raw text kept in a quarantine record; larger records keep this much (Event Hubs' message size) and say so in `detail`. */
export const QUARANTINE_RAW_LIMIT = 1024 * 1024;

/**
 * A record that could not become a canonical event, with enough context to find, fix and replay
 * it. Its id depends only on where it came from and what it held, so redelivery doesn't add a copy.
 */
export function buildQuarantineRecord(
  provenance: Provenance,
  reason: QuarantineReason,
  detail: string,
  raw: string | null,
): QuarantineRecord {
  const rawSha256 = raw === null ? null : createHash('sha256').update(raw).digest('hex');
  const identity = [
    provenance.source_stream,
    provenance.source_partition,
    provenance.source_offset,
    provenance.source_record_id,
    provenance.source_record_index,
    reason,
    rawSha256,
  ].join('\u001f');
  const cut = raw !== null && raw.length > QUARANTINE_RAW_LIMIT;
  return {
    quarantine_id: createHash('sha256').update(identity).digest('hex'),
    reason,
    detail: cut ? `${detail} (raw cut to ${QUARANTINE_RAW_LIMIT} of ${raw.length} characters)` : detail,
    raw: cut ? raw.slice(0, QUARANTINE_RAW_LIMIT) : raw,
    raw_sha256: rawSha256,
    time: provenance.source_time ?? provenance.ingest_time,
    ...provenance,
  };
}
