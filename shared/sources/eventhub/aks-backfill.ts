import type { PartitionProperties, ReceivedEventData, SubscribeOptions, Subscription, SubscriptionEventHandlers } from '@azure/event-hubs';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import type { Limits } from '../../core/limits.ts';
import { ingestBatch, type PipelineOptions } from '../../pipeline/ingest-batch.ts';
import type { Progress } from '../../runtime/progress.ts';
import type { EventStore } from '../../store/event-store.ts';
import { decodeEventHubMessages, type EventHubMessage } from './eventhub-messages.ts';

/** What a backfill uses of `EventHubConsumerClient`, so tests can hand it a fake. */
export interface PartitionConsumer {
  getPartitionIds(): Promise<string[]>;
  getPartitionProperties(partitionId: string): Promise<Pick<PartitionProperties, 'partitionId' | 'lastEnqueuedSequenceNumber' | 'lastEnqueuedOnUtc' | 'isEmpty'>>;
  subscribe(partitionId: string, handlers: SubscriptionEventHandlers, options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

export interface AksBackfillRequest {
  /** `NS.servicebus.windows.net`. */
  namespace: string;
  hub: string;
  consumerGroup: string;
  since: Date;
  /** Recorded as cloud_region (AKS records carry none). */
  region: string | null;
}

export interface AksBackfillDeps {
  consumer: PartitionConsumer;
  store: EventStore;
  pipeline: PipelineOptions;
  limits: Limits;
  progress: Progress;
  now: () => Date;
  /** Events per stored batch. */
  maxBatchSize?: number;
}

/** Where one partition stands: the sequence number it must reach, and the last one stored. */
interface PartitionState {
  id: string;
  target: number;
  first: number | null;
  last: number | null;
  done: boolean;
}

/**
 * Reads every partition of an Event Hub from an enqueued time and stores the AKS records through
 * the pipeline, as the Event Hubs function would (same batch keys, same provenance). It stops
 * when each partition reaches the last sequence number it had when the backfill began, so it ends
 * even while diagnostic settings keep sending.
 */
export async function backfillAks(request: AksBackfillRequest, deps: AksBackfillDeps): Promise<IngestSummary> {
  const summary = emptySummary();
  const states = await partitionStates(request, deps.consumer);
  const report = () => deps.progress.update(fractionDone(states), describe(states, summary));
  report();
  const subscriptions: Subscription[] = [];
  try {
    await Promise.all(
      states
        .filter((state) => !state.done)
        .map(
          (state) =>
            new Promise<void>((resolve, reject) => {
              let failed = false;
              const fail = (error: Error) => {
                // Later batches of the partition must not be stored past the one that failed.
                failed = true;
                reject(new Error(`partition ${state.id}: ${error.message}`, { cause: error }));
              };
              const handlers: SubscriptionEventHandlers = {
                processEvents: async (events) => {
                  // An empty batch means nothing arrived within the wait; a partition that ran dry early is still waited on.
                  if (state.done || failed || events.length === 0) return;
                  try {
                    addSummary(summary, await storeEvents(events, state.id, request, deps));
                  } catch (error) {
                    fail(error as Error);
                    return;
                  }
                  state.first ??= events[0]?.sequenceNumber ?? null;
                  state.last = events.at(-1)?.sequenceNumber ?? state.last;
                  state.done = state.last !== null && state.last >= state.target;
                  report();
                  if (state.done) resolve();
                },
                processError: async (error) => {
                  // The client retries what can be retried and reports it here too; only a final error ends the backfill.
                  if ((error as { retryable?: boolean }).retryable === true) deps.progress.note(`partition ${state.id}: ${error.message} (retrying)`);
                  else fail(error);
                },
              };
              subscriptions.push(
                deps.consumer.subscribe(state.id, handlers, {
                  startPosition: { enqueuedOn: request.since },
                  maxBatchSize: deps.maxBatchSize ?? 500,
                  maxWaitTimeInSeconds: 10,
                  // kaudit parses bodies itself, within its limits, and keeps the raw text of a bad one.
                  skipParsingBodyAsJson: true,
                }),
              );
            }),
        ),
    );
  } finally {
    await Promise.allSettled(subscriptions.map((subscription) => subscription.close()));
  }
  deps.progress.done(describe(states, summary));
  return summary;
}

async function partitionStates(request: AksBackfillRequest, consumer: PartitionConsumer): Promise<PartitionState[]> {
  const ids = await consumer.getPartitionIds();
  return Promise.all(
    ids.map(async (id) => {
      const properties = await consumer.getPartitionProperties(id);
      // Nothing enqueued since `since`: reading from there would only wait for new events.
      const nothingToRead = properties.isEmpty || properties.lastEnqueuedOnUtc.getTime() <= request.since.getTime();
      return { id, target: properties.lastEnqueuedSequenceNumber, first: null, last: null, done: nothingToRead };
    }),
  );
}

function storeEvents(events: readonly ReceivedEventData[], partition: string, request: AksBackfillRequest, deps: AksBackfillDeps): Promise<IngestSummary> {
  const messages: EventHubMessage[] = events.map((event) => ({
    body: event.body,
    partition,
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    enqueuedTime: event.enqueuedTimeUtc,
  }));
  const batch = decodeEventHubMessages(messages, {
    namespace: request.namespace,
    hub: request.hub,
    consumerGroup: request.consumerGroup,
    region: request.region,
    ingestTime: deps.now().toISOString(),
    limits: deps.limits,
  });
  return ingestBatch(batch, deps.store, deps.pipeline);
}

function fractionDone(states: readonly PartitionState[]): number | null {
  if (states.length === 0) return null;
  const fractions = states.map((state) => {
    if (state.done) return 1;
    if (state.first === null || state.last === null) return 0;
    return (state.last - state.first + 1) / (state.target - state.first + 1);
  });
  return fractions.reduce((total, fraction) => total + fraction, 0) / states.length;
}

/** `p0 done · p1 1200/5000 · p2 waiting`, and the events stored. */
function describe(states: readonly PartitionState[], summary: IngestSummary): string {
  const partitions = states.map((state) => {
    if (state.done) return `p${state.id} done`;
    if (state.first === null || state.last === null) return `p${state.id} waiting`;
    return `p${state.id} ${state.last - state.first + 1}/${state.target - state.first + 1}`;
  });
  return `${partitions.join(' · ')}; ${summary.received} records`;
}
