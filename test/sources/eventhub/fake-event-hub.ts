import type { ReceivedEventData, SubscribeOptions, Subscription, SubscriptionEventHandlers } from '@azure/event-hubs';
import type { PartitionConsumer } from '../../../shared/sources/eventhub/aks-backfill.ts';

/** An event on a fake partition: its body, and when it was enqueued. */
export interface FakeEvent {
  body: unknown;
  enqueuedTime: string;
}

/**
 * An Event Hub in memory behind the part of EventHubConsumerClient a backfill uses. It delivers
 * a partition's events from the subscription's start position in batches, then keeps answering
 * empty batches (as the real client does when nothing arrives in time) until the subscription closes.
 */
export class FakeEventHub implements PartitionConsumer {
  readonly subscriptions: { partitionId: string; options: SubscribeOptions | undefined; closed: boolean }[] = [];
  closed = false;
  private readonly partitions: Map<string, ReceivedEventData[]>;

  constructor(partitions: Record<string, FakeEvent[]>, firstSequenceNumber = 100) {
    this.partitions = new Map(Object.entries(partitions).map(([id, events]) => [id, events.map((event, index) => received(event, firstSequenceNumber + index))]));
  }

  /** Enqueues events after the backfill has looked at the partition, as live traffic does. */
  enqueue(partitionId: string, event: FakeEvent): void {
    const events = this.partitions.get(partitionId) ?? [];
    const last = events.at(-1)?.sequenceNumber ?? 99;
    events.push(received(event, last + 1));
  }

  async getPartitionIds(): Promise<string[]> {
    return [...this.partitions.keys()];
  }

  async getPartitionProperties(partitionId: string) {
    const events = this.partitions.get(partitionId) ?? [];
    const last = events.at(-1);
    return {
      partitionId,
      isEmpty: last === undefined,
      lastEnqueuedSequenceNumber: last?.sequenceNumber ?? -1,
      lastEnqueuedOnUtc: last?.enqueuedTimeUtc ?? new Date(0),
    };
  }

  subscribe(partitionId: string, handlers: SubscriptionEventHandlers, options?: SubscribeOptions): Subscription {
    const subscription = { partitionId, options, closed: false };
    this.subscriptions.push(subscription);
    const context = {
      partitionId,
      consumerGroup: '$Default',
      eventHubName: 'aks-audit',
      fullyQualifiedNamespace: 'kaudit-prod.servicebus.windows.net',
      updateCheckpoint: async () => undefined,
    };
    const start = (options?.startPosition as { enqueuedOn?: Date } | undefined)?.enqueuedOn?.getTime() ?? 0;
    const batchSize = options?.maxBatchSize ?? 10;
    void (async () => {
      let position = 0;
      while (!subscription.closed) {
        const pending = (this.partitions.get(partitionId) ?? []).filter((event) => event.enqueuedTimeUtc.getTime() > start).slice(position, position + batchSize);
        position += pending.length;
        await handlers.processEvents(pending, context);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    return {
      isRunning: true,
      close: async () => {
        subscription.closed = true;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** An event as the client hands it over; the AMQP details a backfill never reads are left out. */
function received(event: FakeEvent, sequenceNumber: number): ReceivedEventData {
  const fields = { body: event.body, enqueuedTimeUtc: new Date(event.enqueuedTime), partitionKey: null, offset: String(sequenceNumber * 1024), sequenceNumber };
  return fields as ReceivedEventData;
}
