import { gzipSync } from 'node:zlib';
import type { DecodedBatch } from '../../core/decoded-batch.ts';
import { type BatchStream, type PipelineOptions, streamBatch } from '../../pipeline/ingest-batch.ts';
import { DEAD_LETTER_KINDS, scrubbedError, textScrubber } from '../../runtime/dead-letter.ts';
import type { EventHubDeadLetter, EventHubRange } from '../../runtime/dead-letter-schema.ts';
import { DEAD_LETTER_PREFIX } from '../../store/layout.ts';
import { NdjsonGzipWriter } from '../../store/ndjson-gzip-writer.ts';
import { bodyText, type EventHubContext, type EventHubMessage, textOf } from './eventhub-messages.ts';

/**
 * The Event Hubs function's dead letters (kaudit.deadletter/v2, source `eventhub`): the file a batch
 * goes to on the trigger's last attempt, where it is named, and what range of the hub it covers.
 */

/** Where the Event Hubs function puts a dead-letter file: by the day it was written, named by its batch key. */
export function deadLetterKey(batchKey: string, deadLetteredAt: string): string {
  return `${DEAD_LETTER_PREFIX}dt=${deadLetteredAt.slice(0, 10)}/${batchKey}.json.gz`;
}

/** The range a batch of Event Hubs messages covers. */
export function eventHubRangeOf(messages: readonly EventHubMessage[], context: Pick<EventHubContext, 'namespace' | 'hub' | 'consumerGroup'>): EventHubRange {
  const first = messages[0];
  const last = messages.at(-1);
  return {
    namespace: context.namespace ?? null,
    hub: context.hub ?? null,
    consumerGroup: context.consumerGroup ?? null,
    partition: first?.partition ?? null,
    firstSequence: textOf(first?.sequenceNumber ?? first?.offset),
    lastSequence: textOf(last?.sequenceNumber ?? last?.offset),
    messages: messages.length,
  };
}

/** `partition 3, sequence 100–131 (32 messages)`: what a batch covers, for logs that must say exactly what was lost. */
export function describeBatchRange(range: EventHubRange): string {
  return `partition ${range.partition ?? 'unknown'}, sequence ${range.firstSequence ?? '?'}–${range.lastSequence ?? '?'} (${range.messages} messages)`;
}

export interface EventHubDeadLetterInput {
  batch: DecodedBatch;
  messages: readonly EventHubMessage[];
  range: EventHubRange;
  region: string | null;
  /** Why the batch was not stored. */
  error: unknown;
  attempts: number | null;
  deadLetteredAt: string;
  pipeline: PipelineOptions;
}

/**
 * The gzip'ed v2 file of an Event Hubs batch: the batch is processed again (processing is pure:
 * the same output the failed attempt had) and written as it is produced, so its events are never
 * all in memory. Should processing itself throw (a bug, not bad data), the file keeps the message
 * bodies instead, through the quarantine text redaction.
 */
export async function encodeEventHubDeadLetter(input: EventHubDeadLetterInput): Promise<Buffer> {
  const scrub = textScrubber(input.pipeline);
  const head: Omit<EventHubDeadLetter, 'output'> = {
    kind: DEAD_LETTER_KINDS.v2,
    source: 'eventhub',
    batchKey: input.batch.batchKey,
    region: input.region,
    eventHub: input.range,
    error: scrubbedError(input.error, scrub),
    attempts: input.attempts,
    deadLetteredAt: input.deadLetteredAt,
    scrubbedMessages: null,
  };
  try {
    return await gzipWithOutput(head, streamBatch(input.batch, input.pipeline));
  } catch (processingError) {
    const file: EventHubDeadLetter = {
      ...head,
      error: scrubbedError(processingError, scrub),
      output: null,
      scrubbedMessages: input.messages.map((message) => ({
        body: scrub(bodyText(message.body) ?? 'null'),
        sequenceNumber: textOf(message.sequenceNumber),
        offset: textOf(message.offset),
        enqueuedTime: message.enqueuedTime instanceof Date ? message.enqueuedTime.toISOString() : (message.enqueuedTime ?? null),
      })),
    };
    return gzipSync(JSON.stringify(file));
  }
}

/**
 * `{...head, "output": {"events": […], "quarantined": […], "summary": {…}}}` as gzip, one event per
 * line as the pipeline produces it (JSON allows the line breaks), compressed as it goes.
 */
async function gzipWithOutput(head: Omit<EventHubDeadLetter, 'output'>, stream: BatchStream): Promise<Buffer> {
  const writer = new NdjsonGzipWriter();
  try {
    // The head is an object with fields: its text ends in `}`, which the output goes before.
    writer.add(`${JSON.stringify(head).slice(0, -1)},"output":{"events":[`);
    let separator = '';
    for (const event of stream.events) {
      writer.add(`${separator}${JSON.stringify(event)}`);
      separator = ',';
      if (writer.full) await writer.flush();
    }
    const { quarantined, summary } = stream.outcome();
    writer.add('],"quarantined":[');
    separator = '';
    for (const record of quarantined) {
      writer.add(`${separator}${JSON.stringify(record)}`);
      separator = ',';
      if (writer.full) await writer.flush();
    }
    writer.add(`],"summary":${JSON.stringify(summary)}}}`);
    return await writer.finish();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
