import * as z from 'zod';
import type { IngestSummary } from '../core/ingest-summary.ts';
import { nestsDeeperThan } from '../core/json-text.ts';
import { MAX_JSON_DEPTH } from '../core/limits.ts';
import { CanonicalEventSchema } from '../schema/canonical-event.ts';
import { QuarantineRecordSchema } from '../schema/quarantine-record.ts';
import { DEAD_LETTER_KINDS } from './dead-letter.ts';

/**
 * The dead-letter documents kaudit writes and reads back (./dead-letter.ts, docs/delivery-semantics.md).
 * Files are untrusted input when read back, so everything `kaudit ingest` uses is checked here.
 */

const nullableText = z.string().nullable();
const count = z.number().int().nonnegative();

/** The batch key the lake objects of the batch are named by: a replay writes under the same names. */
const BatchKeySchema = z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'a batch key (1 to 200 letters, digits, _ . -)');

const MessageSchema = z.object({
  /** The message body as text. */
  body: z.string(),
  sequenceNumber: nullableText,
  offset: nullableText,
  enqueuedTime: nullableText,
});

const ErrorSchema = z.object({ name: z.string(), message: z.string() });

/** Version 1, written by older deployments of the Event Hubs function: every message verbatim. Read, never written. */
const DeadLetterV1Schema = z.object({
  kind: z.literal(DEAD_LETTER_KINDS.v1),
  source: z.literal('eventhub'),
  batchKey: BatchKeySchema,
  eventHub: z.object({ namespace: nullableText, hub: nullableText, consumerGroup: nullableText, partition: nullableText }),
  region: nullableText,
  firstSequence: nullableText,
  lastSequence: nullableText,
  messages: z.array(MessageSchema),
  error: ErrorSchema,
  attempts: z.number().int().nullable(),
  deadLetteredAt: z.string(),
  triggerMetadata: z.unknown(),
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1Schema>;

const SummarySchema: z.ZodType<IngestSummary> = z.object({
  received: count,
  written: count,
  duplicates: count,
  skipped: count,
  quarantined: count,
  reasons: z.record(z.string(), count),
});

/** What the pipeline made of a batch: its events after policy and redaction, its quarantine records scrubbed, and its counts. */
const PipelineOutputSchema = z
  .object({
    events: z.array(
      // The pipeline never emits deeper bodies (the normalizer quarantines them); storing one would overflow JSON.stringify.
      CanonicalEventSchema.refine((event) => !nestsDeeperThan(event.request_object, MAX_JSON_DEPTH) && !nestsDeeperThan(event.response_object, MAX_JSON_DEPTH), {
        message: `a body nested deeper than ${MAX_JSON_DEPTH} levels`,
      }),
    ),
    quarantined: z.array(QuarantineRecordSchema),
    summary: SummarySchema,
  })
  .refine(
    ({ events, quarantined, summary }) =>
      summary.written === 0 && summary.quarantined === quarantined.length && summary.received === events.length + summary.duplicates + summary.skipped + summary.quarantined,
    { message: 'the counts do not match what the file holds (received = events + duplicates + skipped + quarantined, nothing written yet)', path: ['summary'] },
  );

/** The Event Hubs range a batch covers: what a replay, or a log of a lost batch, must name exactly. */
const EventHubRangeSchema = z.object({
  namespace: nullableText,
  hub: nullableText,
  consumerGroup: nullableText,
  partition: nullableText,
  /** Sequence numbers of the first and last message (offsets when the trigger gave no sequence numbers). */
  firstSequence: nullableText,
  lastSequence: nullableText,
  messages: count,
});
export type EventHubRange = z.infer<typeof EventHubRangeSchema>;

const V2Fields = {
  kind: z.literal(DEAD_LETTER_KINDS.v2),
  batchKey: BatchKeySchema,
  /** The region the function recorded on the batch's events. */
  region: nullableText,
  /** The last attempt's error (a store's, or a processing bug's), through the redaction of quarantine text. */
  error: ErrorSchema,
  /** Attempts made before dead-lettering (first try included), when the platform said. */
  attempts: z.number().int().nullable(),
  deadLetteredAt: z.string(),
};

/**
 * Version 2 from the Event Hubs function: the batch's `output`; or, only when processing itself
 * failed (a bug: bad data never makes it fail), `scrubbedMessages`, the message bodies after the
 * redaction quarantine text gets, which a replay decodes and normalizes again.
 */
const EventHubDeadLetterSchema = z
  .object({
    ...V2Fields,
    source: z.literal('eventhub'),
    eventHub: EventHubRangeSchema,
    output: PipelineOutputSchema.nullable(),
    scrubbedMessages: z.array(MessageSchema).nullable(),
  })
  .refine((file) => (file.output === null) !== (file.scrubbedMessages === null), { message: 'exactly one of output and scrubbedMessages is set', path: ['output'] });

/** Version 2 from the Firehose transformation: one record's output, delivered by Firehose as one JSON line. */
const FirehoseDeadLetterSchema = z.object({
  ...V2Fields,
  source: z.literal('firehose'),
  firehose: z.object({ recordId: z.string(), approximateArrivalTimestamp: z.number().nullable() }),
  output: PipelineOutputSchema,
});

const DeadLetterV2Schema = z.discriminatedUnion('source', [EventHubDeadLetterSchema, FirehoseDeadLetterSchema]);
type DeadLetterV2 = z.infer<typeof DeadLetterV2Schema>;
export type EventHubDeadLetter = z.infer<typeof EventHubDeadLetterSchema>;
export type FirehoseDeadLetter = z.infer<typeof FirehoseDeadLetterSchema>;

export type DeadLetterDocument = DeadLetterV1 | DeadLetterV2;

/** Whether a parsed JSON document claims to be a kaudit dead letter (of any version). */
export function isDeadLetterDocument(document: unknown): boolean {
  const kind = (document as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && kind.startsWith('kaudit.deadletter/');
}

/** A parsed JSON document as a dead letter of a version kaudit reads, or what is wrong with it. */
export function parseDeadLetterDocument(document: unknown): { file: DeadLetterDocument } | { error: string } {
  const kind = (document as { kind?: unknown } | null)?.kind;
  const schema = kind === DEAD_LETTER_KINDS.v1 ? DeadLetterV1Schema : kind === DEAD_LETTER_KINDS.v2 ? DeadLetterV2Schema : null;
  if (schema === null) return { error: `kind: a dead letter this version of kaudit does not read (expected ${DEAD_LETTER_KINDS.v1} or ${DEAD_LETTER_KINDS.v2})` };
  const parsed = schema.safeParse(document);
  if (parsed.success) return { file: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
  return { error: `not a valid ${kind} file: ${problems.slice(0, 5).join('; ')}` };
}
