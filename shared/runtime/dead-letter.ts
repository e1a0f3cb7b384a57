import { provenanceOf } from '../core/decoded-batch.ts';
import { buildQuarantineRecord } from '../core/quarantine.ts';
import type { PipelineOptions } from '../pipeline/ingest-batch.ts';

/**
 * kaudit's dead letters: what a function could not store within its platform's retries, kept so
 * that `kaudit ingest` replays it. Version 2 holds the pipeline's output (events after policy and
 * redaction, quarantine records scrubbed), never the input, so a dead letter holds nothing
 * redaction would have removed. Version 1 (every message verbatim) is only read. Their fields are
 * checked by ./dead-letter-schema.ts, which only readers load (its zod schemas would weigh on every
 * function bundle that writes a dead letter).
 */
export const DEAD_LETTER_KINDS = { v1: 'kaudit.deadletter/v1', v2: 'kaudit.deadletter/v2' } as const;

/**
 * The redaction quarantine records' raw text gets (the pipeline's `quarantineTransform`), for any
 * text a dead letter keeps besides the pipeline's output: message bodies, error messages. The
 * identity when redaction is off.
 */
export function textScrubber(options: PipelineOptions): (text: string) => string {
  const transform = options.quarantineTransform;
  if (!transform) return (text) => text;
  const carrier = buildQuarantineRecord(provenanceOf({ platform: 'aks', cloud_provider: 'azure', source_type: 'eventhub', ingest_time: '' }), 'invalid_payload', '', null);
  // Set after building, so a long text is scrubbed whole rather than cut to the quarantine raw limit.
  return (text) => transform({ ...carrier, raw: text }).raw ?? '';
}

/** An error as a dead letter records it: its name, and its message through `scrub`. */
export function scrubbedError(error: unknown, scrub: (text: string) => string): { name: string; message: string } {
  const known = error instanceof Error ? error : new Error(String(error));
  return { name: known.name, message: scrub(known.message) };
}
