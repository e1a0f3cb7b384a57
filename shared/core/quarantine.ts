import type { Provenance } from '../schema/canonical-event.ts';
import type { QuarantineReason, QuarantineRecord } from '../schema/quarantine-record.ts';
import { compressionOf, inflatePartially } from './compression.ts';
import { sha256Hex } from './digest.ts';

/** Raw text kept in a quarantine record; larger records keep this much (Event Hubs' message size) and say so in `detail`. */
export const QUARANTINE_RAW_LIMIT = 1024 * 1024;

/**
 * A record that could not become a canonical event, with enough context to find, fix and replay
 * it. Its id depends only on where it came from and what it held, so redelivery doesn't add a copy.
 * `original`: the text received, when `raw` is a rendering of it (the text compressed data
 * inflates to); raw_sha256 and the id are then of the original, so they still name what came in.
 */
export function buildQuarantineRecord(provenance: Provenance, reason: QuarantineReason, detail: string, raw: string | null, original: string | null = raw): QuarantineRecord {
  const rawSha256 = original === null ? null : sha256Hex(original);
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
    quarantine_id: sha256Hex(identity),
    reason,
    detail: cut ? `${detail} (raw cut to ${QUARANTINE_RAW_LIMIT} of ${raw.length} characters)` : detail,
    raw: cut ? raw.slice(0, QUARANTINE_RAW_LIMIT) : raw,
    raw_sha256: rawSha256,
    time: provenance.source_time ?? provenance.ingest_time,
    ...provenance,
  };
}

/** Bytes of UTF-8 that always fill the raw limit: three per UTF-16 code unit at most. */
const RAW_LIMIT_BYTES = 3 * QUARANTINE_RAW_LIMIT;

/**
 * What a quarantine record keeps of data that could not be decompressed: the text it inflates to
 * before the point where it breaks (no more than a record keeps), or, when it is not compressed at
 * all, its text. The bytes themselves would give anyone who inflates them as far as they go the
 * same text, secrets included, past the scrubbing every raw text gets. `note` says so, for the
 * record's detail.
 */
export function undecompressedRaw(data: Buffer, maxDecodedBytes: number): { raw: string; note: string } {
  if (compressionOf(data) === null) return { raw: rawTextOf(data), note: 'raw is the text of the data, not its base64' };
  const inflated = inflatePartially(data, Math.min(maxDecodedBytes, RAW_LIMIT_BYTES));
  return { raw: rawTextOf(inflated), note: `raw is the text the data inflates to before that point (${inflated.length} bytes), not the data` };
}

/** The text of bytes, as much of it as a record keeps: the bytes may be far larger. */
export function rawTextOf(bytes: Buffer): string {
  return bytes.subarray(0, RAW_LIMIT_BYTES).toString('utf8');
}
