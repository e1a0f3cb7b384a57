import type { SkipReason } from '../core/decoded-batch.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';

/**
 * The contract every event transform implements (policy, redaction, detections): a step after
 * normalization that returns the event to keep, possibly changed, or the reason it is skipped by
 * design. The pipeline applies them in order; a transform never sees another's internals.
 */
export type EventTransform = (event: CanonicalEvent) => CanonicalEvent | { skip: SkipReason };

/** Applied to every quarantine record before it is stored (redaction of its raw text). */
export type QuarantineTransform = (record: QuarantineRecord) => QuarantineRecord;
