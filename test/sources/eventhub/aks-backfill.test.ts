import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { progressOn } from '../../../shared/runtime/progress.ts';
import { type AksBackfillDeps, type AksBackfillRequest, backfillAks } from '../../../shared/sources/eventhub/aks-backfill.ts';
import { decodeEventHubMessages } from '../../../shared/sources/eventhub/eventhub-messages.ts';
import type { EventStore } from '../../../shared/store/event-store.ts';
import { StoreError } from '../../../shared/store/object-store.ts';
import { openEventStore } from '../../../shared/store/open-store.ts';
import { aksRecord, auditEvent, eventHubBody } from '../../helpers/audit-events.ts';
import { readRows, storedKeys, temporaryFileStore } from '../../helpers/lake.ts';
import { type FakeEvent, FakeEventHub } from './fake-event-hub.ts';

const REQUEST: AksBackfillRequest = {
  namespace: 'kaudit-prod.servicebus.windows.net',
  hub: 'aks-audit',
  consumerGroup: 'kaudit-backfill',
  since: new Date('2026-11-20T00:00:00Z'),
  region: 'westeurope',
};

/** An Event Hubs message from AKS diagnostic settings carrying one audit event, as the bytes the SDK hands over unparsed. */
function message(auditID: string, enqueuedTime: string): FakeEvent {
  return { body: Buffer.from(JSON.stringify(eventHubBody([aksRecord(auditEvent({ auditID }))]))), enqueuedTime };
}

describe('backfillAks', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let stderr: string;
  let deps: Omit<AksBackfillDeps, 'consumer'>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    stderr = '';
    const progressStream = new PassThrough();
    progressStream.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    deps = {
      store: await openEventStore(lake.url),
      pipeline: { transforms: [] },
      limits: DEFAULT_LIMITS,
      progress: progressOn(progressStream, 'backfill aks-audit', { tty: false, intervalMs: 0 }),
      now: () => new Date('2026-11-22T09:00:00.000Z'),
      maxBatchSize: 2,
    };
  });
  afterEach(() => lake.cleanup());

  it('stores every partition’s records enqueued after --since, then stops', async () => {
    // Prepare
    const hub = new FakeEventHub({
      '0': [message('old', '2026-11-19T23:00:00Z'), message('a1', '2026-11-20T01:00:00Z'), message('a2', '2026-11-20T02:00:00Z'), message('a3', '2026-11-20T03:00:00Z')],
      '1': [message('b1', '2026-11-20T01:30:00Z')],
    });

    // Act
    const summary = await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    expect(summary).toMatchObject({ received: 4, written: 4 });
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => row.audit_id).sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(hub.subscriptions.every((subscription) => subscription.closed)).toBe(true);
  });

  it('stops at the sequence number each partition had when it began, though events keep arriving', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('a1', '2026-11-20T01:00:00Z'), message('a2', '2026-11-20T02:00:00Z'), message('a3', '2026-11-20T03:00:00Z')] });
    const properties = hub.getPartitionProperties.bind(hub);
    hub.getPartitionProperties = async (id) => {
      const snapshot = await properties(id);
      for (const hour of ['04', '05', '06', '07', '08']) hub.enqueue(id, message(`live-${hour}`, `2026-11-20T${hour}:00:00Z`));
      return snapshot;
    };

    // Act
    const summary = await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess: batches of two reach sequence number 102 with the second batch; later ones are not read.
    expect(summary.received).toBe(4);
  });

  it('reads from the enqueued time, leaving the bodies for kaudit to parse', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('a1', '2026-11-20T01:00:00Z')] });

    // Act
    await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    expect(hub.subscriptions[0]?.options).toMatchObject({ startPosition: { enqueuedOn: REQUEST.since }, skipParsingBodyAsJson: true, maxBatchSize: 2 });
  });

  it('does not subscribe to a partition with nothing enqueued since --since', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('old', '2026-11-19T23:00:00Z')], '1': [], '2': [message('a1', '2026-11-20T01:00:00Z')] });

    // Act
    await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    expect(hub.subscriptions.map((subscription) => subscription.partitionId)).toEqual(['2']);
  });

  it('stores batches under the keys and provenance the Event Hubs function gives them', async () => {
    // Prepare
    const events = [message('a1', '2026-11-20T01:00:00Z'), message('a2', '2026-11-20T01:00:01Z')];
    const hub = new FakeEventHub({ '3': events });
    const functionBatch = decodeEventHubMessages(
      events.map((event, index) => ({ body: event.body, partition: '3', sequenceNumber: 100 + index, offset: String((100 + index) * 1024), enqueuedTime: event.enqueuedTime })),
      {
        namespace: REQUEST.namespace,
        hub: REQUEST.hub,
        consumerGroup: REQUEST.consumerGroup,
        region: 'westeurope',
        ingestTime: '2026-11-22T09:00:00.000Z',
        limits: DEFAULT_LIMITS,
      },
    );

    // Act
    await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    expect(await storedKeys(lake.url, 'events/v1/')).toEqual([`events/v1/dt=2026-11-20/hour=14/${functionBatch.batchKey}.ndjson.gz`]);
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows[0]).toMatchObject({
      source_type: 'eventhub',
      source_stream: 'kaudit-prod.servicebus.windows.net/aks-audit/kaudit-backfill',
      source_partition: '3',
      source_offset: '100',
      cloud_region: 'westeurope',
      cluster_name: 'aks-weu-prod',
    });
  });

  it('reports each partition’s progress', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('a1', '2026-11-20T01:00:00Z'), message('a2', '2026-11-20T01:00:01Z'), message('a3', '2026-11-20T01:00:02Z')], '1': [] });

    // Act
    await backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    expect(stderr).toContain('backfill aks-audit: 50% p0 waiting · p1 done; 0 records\n');
    expect(stderr).toContain('backfill aks-audit: 83% p0 2/3 · p1 done; 2 records\n');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('backfill aks-audit: 100% p0 done · p1 done; 3 records');
  });

  it('fails, naming the partition, when the store fails, and stores nothing after the failed batch', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('a1', '2026-11-20T01:00:00Z'), message('a2', '2026-11-20T01:00:01Z'), message('a3', '2026-11-20T01:00:02Z')] });
    const attempts: number[] = [];
    const failing: EventStore = {
      url: 'memory://unavailable',
      writeEvents: async (_key, events) => {
        attempts.push([...events].length);
        throw new StoreError('lake unavailable', 'events/v1/x');
      },
      writeQuarantine: async () => ({ written: 0, duplicates: 0 }),
      writeFindings: async () => ({ written: 0, duplicates: 0 }),
    };

    // Act
    const run = backfillAks(REQUEST, { ...deps, store: failing, consumer: hub });

    // Assess
    await expect(run).rejects.toThrow('partition 0: lake unavailable');
    expect(attempts).toEqual([2]);
    expect(hub.subscriptions[0]?.closed).toBe(true);
  });

  it('notes a retryable client error and ends on one that is not', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [message('a1', '2026-11-20T01:00:00Z')] });
    hub.subscribe = (partitionId, handlers) => {
      const context = { partitionId, consumerGroup: '$Default', eventHubName: 'aks-audit', fullyQualifiedNamespace: REQUEST.namespace, updateCheckpoint: async () => undefined };
      void (async () => {
        await handlers.processError(Object.assign(new Error('connection reset'), { retryable: true }), context);
        await handlers.processError(Object.assign(new Error('Unauthorized access'), { retryable: false }), context);
      })();
      return { isRunning: true, close: async () => undefined };
    };

    // Act
    const run = backfillAks(REQUEST, { ...deps, consumer: hub });

    // Assess
    await expect(run).rejects.toThrow('partition 0: Unauthorized access');
    expect(stderr).toContain('backfill aks-audit: partition 0: connection reset (retrying)\n');
  });
});
