import { gunzipSync } from 'node:zlib';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import type { PipelineOptions } from '../../../shared/pipeline/ingest-batch.ts';
import type { DeadLetterV1, EventHubDeadLetter } from '../../../shared/runtime/dead-letter-schema.ts';
import { encodeEventHubDeadLetter, eventHubRangeOf } from '../../../shared/sources/eventhub/dead-letter-file.ts';
import { decodeEventHubMessages } from '../../../shared/sources/eventhub/eventhub-messages.ts';
import { type EventHubTriggerMetadata, eventHubMessagesOf } from '../../../shared/sources/eventhub/trigger-runtime.ts';
import { INGEST_TIME } from '../../helpers/audit-events.ts';
import type { MemoryObjectStore } from '../../helpers/lake.ts';

/** A dead-letter object as stored: its key, its text (gunzipped) and that text parsed. */
export interface StoredDeadLetter {
  key: string;
  text: string;
  file: EventHubDeadLetter;
}

/** Every dead-letter file in a store. */
export function storedDeadLetters(store: MemoryObjectStore): StoredDeadLetter[] {
  return [...store.objects].map(([key, body]) => {
    const text = gunzipSync(body).toString('utf8');
    return { key, text, file: JSON.parse(text) as EventHubDeadLetter };
  });
}

/**
 * A `kaudit.deadletter/v1` file as deployments before version 2 wrote it for a batch of Event Hubs
 * bodies (text, as the trigger hands them over): every message verbatim, with the trigger's metadata.
 */
export function legacyDeadLetterFile(batchKey: string, bodies: readonly string[], metadata: EventHubTriggerMetadata, region: string | null): DeadLetterV1 {
  const messages = eventHubMessagesOf(bodies, metadata);
  const partition = metadata.partitionContext;
  const range = eventHubRangeOf(messages, { namespace: partition?.fullyQualifiedNamespace, hub: partition?.eventHubName, consumerGroup: partition?.consumerGroup });
  return {
    kind: 'kaudit.deadletter/v1',
    source: 'eventhub',
    batchKey,
    eventHub: { namespace: range.namespace, hub: range.hub, consumerGroup: range.consumerGroup, partition: range.partition },
    region,
    firstSequence: range.firstSequence,
    lastSequence: range.lastSequence,
    messages: messages.map((message) => ({
      body: message.body as string,
      sequenceNumber: String(message.sequenceNumber),
      offset: String(message.offset),
      enqueuedTime: String(message.enqueuedTime),
    })),
    error: { name: 'StoreError', message: 'lake unavailable' },
    attempts: 9,
    deadLetteredAt: '2026-11-20T14:05:00.000Z',
    triggerMetadata: metadata,
  };
}

/** The `kaudit.deadletter/v2` file the Event Hubs function writes for a batch of bodies, parsed. */
export async function deadLetterFileOf(bodies: readonly string[], metadata: EventHubTriggerMetadata, pipeline: PipelineOptions = {}): Promise<EventHubDeadLetter> {
  const messages = eventHubMessagesOf(bodies, metadata);
  const partition = metadata.partitionContext;
  const context = { namespace: partition?.fullyQualifiedNamespace, hub: partition?.eventHubName, consumerGroup: partition?.consumerGroup };
  const batch = decodeEventHubMessages(messages, { ...context, region: 'westeurope', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS });
  const file = await encodeEventHubDeadLetter({
    batch,
    messages,
    range: eventHubRangeOf(messages, context),
    region: 'westeurope',
    error: new Error('lake unavailable'),
    attempts: 9,
    deadLetteredAt: INGEST_TIME,
    pipeline,
  });
  return JSON.parse(gunzipSync(file).toString('utf8')) as EventHubDeadLetter;
}
