import { type DecodedBatch, emptyBatch } from '../core/decoded-batch.ts';
import type { Limits } from '../core/limits.ts';
import type { ReplayedBatch } from '../pipeline/ingest-batch.ts';
import { DEAD_LETTER_KINDS } from '../runtime/dead-letter.ts';
import type { DeadLetterDocument, EventHubDeadLetter, EventHubRange } from '../runtime/dead-letter-schema.ts';
import { decodeEventHubMessages, type EventHubMessage } from './eventhub/eventhub-messages.ts';

/**
 * The batch a dead letter holds, under the original batch key, so objects a failed attempt did
 * store are found, not written twice:
 * - v2 with the pipeline's output: that output, stored as it is (it went through the function's
 *   policy and redaction), with the counts the function had;
 * - v2 with scrubbed messages (processing had failed), and v1: the messages decoded as the
 *   function decodes them, to be processed again.
 */
export function replayDeadLetter(file: DeadLetterDocument, ingestTime: string, limits: Limits): DecodedBatch {
  if (file.kind === DEAD_LETTER_KINDS.v1) return decodeMessages(file.messages, file.eventHub, file.region, file.batchKey, ingestTime, limits);
  if (file.output !== null) {
    const replayed: ReplayedBatch = { ...emptyBatch(file.batchKey), output: file.output };
    return replayed;
  }
  // The schema lets only an Event Hubs file go without an output, and then it has the scrubbed messages.
  const { eventHub, scrubbedMessages } = file as EventHubDeadLetter;
  return decodeMessages(scrubbedMessages ?? [], eventHub, file.region, file.batchKey, ingestTime, limits);
}

function decodeMessages(
  messages: readonly Omit<EventHubMessage, 'partition'>[],
  origin: Pick<EventHubRange, 'namespace' | 'hub' | 'consumerGroup' | 'partition'>,
  region: string | null,
  batchKey: string,
  ingestTime: string,
  limits: Limits,
): DecodedBatch {
  const { namespace, hub, consumerGroup, partition } = origin;
  const batch = decodeEventHubMessages(
    messages.map((message) => ({ ...message, partition })),
    { namespace, hub, consumerGroup, region, ingestTime, limits },
  );
  return { ...batch, batchKey };
}
