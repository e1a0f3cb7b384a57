import { messageOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { BatchNotStoredError } from '../../runtime/batch-not-stored-error.ts';
import type { FunctionRuntime } from '../../runtime/function-runtime.ts';
import { deadLetteredReport, type InvocationReport, storedReport } from '../../runtime/invocation-report.ts';
import type { ObjectStore } from '../../store/object-store.ts';
import { deadLetterKey, describeBatchRange, encodeEventHubDeadLetter, eventHubRangeOf } from './dead-letter-file.ts';
import { decodeEventHubMessages, type EventHubContext, type EventHubMessage } from './eventhub-messages.ts';

/** What the Event Hubs trigger passes beside the messages (cardinality many: arrays by message). */
export interface EventHubTriggerMetadata {
  partitionContext?: { partitionId?: string; eventHubName?: string; consumerGroup?: string; fullyQualifiedNamespace?: string };
  sequenceNumberArray?: (number | string)[];
  offsetArray?: (number | string)[];
  enqueuedTimeUtcArray?: string[];
}

/** The trigger's retry state (`InvocationContext.retryContext`): attempt `retryCount` + 1 of `maxRetryCount` + 1. */
export interface RetryState {
  retryCount: number;
  /** -1: retry forever. */
  maxRetryCount: number;
}

export interface EventHubDelivery {
  /** Absent when no retry policy applies: then every attempt is the last. */
  retry?: RetryState;
  /** Where a batch goes when its last attempt fails (`KAUDIT_DEADLETTER_URL`); null: nowhere, it is lost and logged. */
  deadLetter: ObjectStore | null;
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
 * Whether this is the trigger's last attempt at a batch. After it the host checkpoints past the
 * batch whether the function threw or not, so a batch not stored by then must be dead-lettered.
 */
export function isLastAttempt(retry: RetryState | undefined): boolean {
  if (retry === undefined) return true;
  return retry.maxRetryCount >= 0 && retry.retryCount >= retry.maxRetryCount;
}

/**
 * One Event Hubs trigger invocation from AKS diagnostic settings. Bad messages are quarantined
 * alone. A batch that can't be stored throws so the retry policy delivers it again; on the last
 * attempt what the pipeline makes of it (events after policy and redaction, quarantine records
 * scrubbed) goes to the dead-letter store instead, and the function returns. Only if that fails
 * too does it throw a `lost` error naming the partition and sequence range.
 */
export async function ingestEventHubBatch(
  bodies: readonly unknown[],
  metadata: EventHubTriggerMetadata | undefined,
  runtime: FunctionRuntime,
  delivery: EventHubDelivery,
): Promise<InvocationReport> {
  const partition = metadata?.partitionContext;
  const ingestTime = runtime.now().toISOString();
  const context: EventHubContext = {
    namespace: partition?.fullyQualifiedNamespace ?? null,
    hub: partition?.eventHubName ?? null,
    consumerGroup: partition?.consumerGroup ?? null,
    region: runtime.region,
    ingestTime,
    limits: runtime.limits,
  };
  const messages = eventHubMessagesOf(bodies, metadata);
  const batch = decodeEventHubMessages(messages, context);
  try {
    // Events are normalized as the store takes them, so the batch's events are never held whole;
    // a dead letter, rare, processes the batch again.
    return storedReport(batch, await ingestBatch(batch, runtime.store, runtime.pipeline), ingestTime);
  } catch (failure) {
    const attempts = delivery.retry === undefined ? 1 : delivery.retry.retryCount + 1;
    const range = eventHubRangeOf(messages, context);
    const what = `batch ${batch.batchKey} (${describeBatchRange(range)})`;
    if (!isLastAttempt(delivery.retry)) {
      throw new BatchNotStoredError(`${what} was not stored on attempt ${attempts}, the trigger retries it: ${messageOf(failure)}`, batch.batchKey, false, { cause: failure });
    }
    const deadLetteredAt = runtime.now().toISOString();
    const key = deadLetterKey(batch.batchKey, deadLetteredAt);
    try {
      if (delivery.deadLetter === null) throw new Error(`${SETTINGS.deadLetterUrl} is not set`);
      const file = await encodeEventHubDeadLetter({ batch, messages, range, region: runtime.region, error: failure, attempts, deadLetteredAt, pipeline: runtime.pipeline });
      await delivery.deadLetter.putIfAbsent(key, file);
    } catch (deadLetterError) {
      const message = `${what} LOST: not stored after ${attempts} attempts (${messageOf(failure)}) and not dead-lettered (${messageOf(deadLetterError)}); the trigger checkpoints past it`;
      throw new BatchNotStoredError(message, batch.batchKey, true, { cause: failure });
    }
    return deadLetteredReport(batch, ingestTime, key);
  }
}
