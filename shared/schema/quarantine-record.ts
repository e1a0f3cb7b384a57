import * as z from 'zod';
import { ProvenanceSchema } from './canonical-event.ts';

/** Machine-readable reasons a record was quarantined instead of stored as an event. */
const QUARANTINE_REASONS = [
  'invalid_payload', // the envelope itself could not be decoded (base64, compression, JSON, shape)
  'invalid_record', // one record of a valid envelope lacks what the format requires
  'invalid_json', // the audit event text is not JSON and not a recoverable truncated event
  'not_audit_event', // valid JSON, but not an audit.k8s.io Event
  'invalid_event', // an audit Event with fields of the wrong type
  'truncated_unrecoverable', // truncated, and auditID or stage did not survive
  'limit_exceeded', // larger than a configured limit
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

export const QuarantineRecordSchema = z.object({
  quarantine_id: z.string().describe('sha256 of the record identity and raw text; stable across redelivery'),
  reason: z.enum(QUARANTINE_REASONS),
  detail: z.string().describe('what was expected, and where'),
  raw: z.string().nullable().describe('the original text (cut to the raw size limit)'),
  raw_sha256: z.string().nullable(),
  time: z.string().describe('partition time: source time when known, else ingest time'),
  ...ProvenanceSchema.shape,
});
export type QuarantineRecord = z.infer<typeof QuarantineRecordSchema>;
