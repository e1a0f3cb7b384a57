import { decodeEventHubMessages, type EventHubMessage } from '../decode/eventhub.ts';
import { ingestBatch } from '../pipeline/ingest-batch.ts';
import type { IngestSummary } from '../pipeline/ingest-summary.ts';
import type { FunctionRuntime } from './function-runtime.ts';

/** What the Event Hubs trigger passes beside the messages (cardinality many: arrays by message). */
export interface EventHubTriggerMetadata {
  partitionContext?: { partitionId?: string; eventHubName?: string; consumerGroup?: string; fullyQualifiedNamespace?: string };
  sequenceNumberArray?: (number | string)[];
  offsetArray?: (number | string)[];
  enqueuedTimeUtcArray?: string[];
}

/** Pairs each message with its partition, sequence number, offset and enqueued time. */
export function eventHubMessagesOf(bodies: readonly unknown[], metadata: EventHubTriggerMetadata | undefined): EventHubMessage[] {
  return bodies.map((body, index) => ({
    body,
    partition: metadata?.partitionContext?.partitionId ?? null,
    sequenceNumber: metadata?.sequenceNumberArray?.[index] ?? null,
    offset: metadata?.offsetArray?.[index] ?? null,
    enqueuedTime: metadata?.enqueuedTimeUtcArray?.[index] ?? null,
  }));
}

/**
 * One Event Hubs trigger invocation from AKS diagnostic settings. Bad messages are quarantined
 * alone; a store failure throws so the trigger's retry policy delivers the batch again.
 */
export async function ingestEventHubBatch(
  bodies: readonly unknown[],
  metadata: EventHubTriggerMetadata | undefined,
  runtime: FunctionRuntime,
): Promise<IngestSummary> {
  const partition = metadata?.partitionContext;
  const batch = decodeEventHubMessages(eventHubMessagesOf(bodies, metadata), {
    namespace: partition?.fullyQualifiedNamespace ?? null,
    hub: partition?.eventHubName ?? null,
    consumerGroup: partition?.consumerGroup ?? null,
    region: runtime.region,
    ingestTime: runtime.now().toISOString(),
    limits: runtime.limits,
  });
  return ingestBatch(batch, runtime.store, runtime.pipeline);
}
