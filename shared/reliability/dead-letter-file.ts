import { gzipSync } from 'node:zlib';
import * as z from 'zod';
import { bodyText, decodeEventHubMessages, textOf, type EventHubContext, type EventHubMessage } from '../decode/eventhub.ts';
import type { DecodedBatch } from '../decode/decoded-batch.ts';
import type { Limits } from '../limits.ts';

/**
 * A kaudit dead-letter file: an Event Hubs batch the function could not store within the trigger's
 * retries, kept whole so `kaudit ingest FILE` replays it. Gzip JSON under
 * `deadletter/v1/dt=YYYY-MM-DD/<batch-key>.json.gz` of the dead-letter store (docs/delivery-semantics.md).
 */
export const DEAD_LETTER_KIND = 'kaudit.deadletter/v1';
export const DEAD_LETTER_PREFIX = 'deadletter/v1/';

const nullableText = z.string().nullable();

const DeadLetterMessageSchema = z.object({
  /** The message body as the trigger delivered it, as text. */
  body: z.string(),
  sequenceNumber: nullableText,
  offset: nullableText,
  enqueuedTime: nullableText,
});

export const DeadLetterFileSchema = z.object({
  kind: z.literal(DEAD_LETTER_KIND),
  source: z.literal('eventhub'),
  /** The batch key the lake objects of this batch are named by: a replay writes under the same names. */
  batchKey: z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'a batch key (1 to 200 letters, digits, _ . -)'),
  eventHub: z.object({ namespace: nullableText, hub: nullableText, consumerGroup: nullableText, partition: nullableText }),
  /** The region the function recorded on AKS events (`KAUDIT_REGION`). */
  region: nullableText,
  firstSequence: nullableText,
  lastSequence: nullableText,
  messages: z.array(DeadLetterMessageSchema),
  /** The error of the last attempt: the store's, or whatever else kept the batch from being stored. */
  error: z.object({ name: z.string(), message: z.string() }),
  /** Attempts made before dead-lettering (first try included), when the trigger said. */
  attempts: z.number().int().nullable(),
  deadLetteredAt: z.string(),
  /** Everything else the trigger passed, for forensics; replay does not read it. */
  triggerMetadata: z.unknown(),
});
export type DeadLetterFile = z.infer<typeof DeadLetterFileSchema>;

export interface DeadLetterInput {
  batchKey: string;
  messages: readonly EventHubMessage[];
  context: Pick<EventHubContext, 'namespace' | 'hub' | 'consumerGroup' | 'region'>;
  error: unknown;
  attempts: number | null;
  triggerMetadata: unknown;
  now: Date;
}

/** The dead-letter file of a batch: every message, verbatim, with where it came from and why it is here. */
export function buildDeadLetterFile(input: DeadLetterInput): DeadLetterFile {
  const messages = input.messages.map((message) => ({
    body: bodyText(message.body) ?? 'null',
    sequenceNumber: textOf(message.sequenceNumber),
    offset: textOf(message.offset),
    enqueuedTime: message.enqueuedTime instanceof Date ? message.enqueuedTime.toISOString() : (message.enqueuedTime ?? null),
  }));
  const error = input.error instanceof Error ? input.error : new Error(String(input.error));
  return {
    kind: DEAD_LETTER_KIND,
    source: 'eventhub',
    batchKey: input.batchKey,
    eventHub: {
      namespace: input.context.namespace ?? null,
      hub: input.context.hub ?? null,
      consumerGroup: input.context.consumerGroup ?? null,
      partition: input.messages[0]?.partition ?? null,
    },
    region: input.context.region ?? null,
    firstSequence: messages[0]?.sequenceNumber ?? messages[0]?.offset ?? null,
    lastSequence: messages.at(-1)?.sequenceNumber ?? messages.at(-1)?.offset ?? null,
    messages,
    error: { name: error.name, message: error.message },
    attempts: input.attempts,
    deadLetteredAt: input.now.toISOString(),
    triggerMetadata: input.triggerMetadata ?? null,
  };
}

/** Where a dead-letter file goes: by the day it was written, named by its batch key. */
export function deadLetterKey(file: Pick<DeadLetterFile, 'batchKey' | 'deadLetteredAt'>): string {
  return `${DEAD_LETTER_PREFIX}dt=${file.deadLetteredAt.slice(0, 10)}/${file.batchKey}.json.gz`;
}

export function encodeDeadLetterFile(file: DeadLetterFile): Buffer {
  return gzipSync(JSON.stringify(file));
}

/** A parsed JSON document as a dead-letter file, or what is wrong with it. */
export function parseDeadLetterFile(document: unknown): { file: DeadLetterFile } | { error: string } {
  const parsed = DeadLetterFileSchema.safeParse(document);
  if (parsed.success) return { file: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
  return { error: `not a valid ${DEAD_LETTER_KIND} file: ${problems.slice(0, 5).join('; ')}` };
}

/**
 * The batch a dead-letter file holds, decoded as the function would have decoded it and under the
 * original batch key, so objects a failed attempt did store are found, not written twice.
 */
export function decodeDeadLetterFile(file: DeadLetterFile, ingestTime: string, limits: Limits): DecodedBatch {
  const messages: EventHubMessage[] = file.messages.map((message) => ({ ...message, partition: file.eventHub.partition }));
  const { namespace, hub, consumerGroup } = file.eventHub;
  const batch = decodeEventHubMessages(messages, { namespace, hub, consumerGroup, region: file.region, ingestTime, limits });
  return { ...batch, batchKey: file.batchKey };
}

/** `partition 3, sequence 100–131 (32 messages)`: what a batch covers, for logs that must say exactly what was lost. */
export function describeBatchRange(file: Pick<DeadLetterFile, 'eventHub' | 'firstSequence' | 'lastSequence' | 'messages'>): string {
  return `partition ${file.eventHub.partition ?? 'unknown'}, sequence ${file.firstSequence ?? '?'}–${file.lastSequence ?? '?'} (${file.messages.length} messages)`;
}
