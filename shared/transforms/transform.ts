import type { SkipReason } from '../core/decoded-batch.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { Finding } from '../schema/finding.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';

/**
 * The contract every event transform implements (policy, redaction, detections): a step after
 * normalization that returns the event to keep, possibly changed, or the reason it is skipped by
 * design. The pipeline applies them in order; a transform never sees another's internals.
 */
export type EventTransform = (event: CanonicalEvent) => CanonicalEvent | { skip: SkipReason };

/** Applied to every quarantine record before it is stored (redaction of its raw text). */
export type QuarantineTransform = (record: QuarantineRecord) => QuarantineRecord;

/**
 * Detections evaluated on each event the pipeline stores, after every transform (so rules see
 * the event as stored, redacted): the findings it raises. It never throws for one rule's failure.
 */
export type EventDetector = (event: CanonicalEvent) => readonly Finding[];
