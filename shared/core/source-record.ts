import type { Provenance } from '../schema/canonical-event.ts';

/**
 * One audit event as a decoder found it, before normalization: its text (or the object a source
 * already parsed) and where it came from.
 */
export interface SourceRecord {
  /** The audit event text as the source carried it; null when the source gave an object. */
  text: string | null;
  /** An audit event the source already parsed (AKS `properties.log` object, EventList item). */
  value?: unknown;
  provenance: Provenance;
}
