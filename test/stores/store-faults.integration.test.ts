/**
 * The cloud stores on a network that fails: the fault proxy answers for the server (5xx, 409, 412)
 * or drops the connection, and the store retries, maps the answer, or fails with a StoreError
 * that makes the function handlers throw, so the platform delivers the batch again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { type FunctionRuntime, functionRuntime } from '../../shared/runtime/function-runtime.ts';
import { ingestCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-runtime.ts';
import { ingestEventHubBatch } from '../../shared/sources/eventhub/trigger-runtime.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import { aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody } from '../helpers/audit-events.ts';
import type { Fault } from '../helpers/servers.ts';
import { freshPrefix, NETWORK_KINDS, proxyOf, useStore } from './store-kinds.ts';

const KEY = 'events/v1/dt=2026-11-20/hour=14/batch-0001.ndjson.gz';

/** The two function handlers, each delivering one batch of two events to a runtime. */
const HANDLERS: { name: string; deliver: (runtime: FunctionRuntime) => Promise<unknown> }[] = [
  {
    name: 'ingestCloudWatchSubscription',
    deliver: (runtime) => ingestCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent(), auditEvent({ auditID: 'second' })] })), runtime),
  },
  {
    name: 'ingestEventHubBatch',
    // Not the trigger's last attempt: a failed batch is left to its retry policy, not dead-lettered.
    deliver: (runtime) =>
      ingestEventHubBatch([eventHubBody([aksRecord(auditEvent()), aksRecord(auditEvent({ auditID: 'second' }))])], undefined, runtime, {
        retry: { retryCount: 0, maxRetryCount: 5 },
        deadLetter: null,
      }),
  },
];

describe.each(NETWORK_KINDS)('$name store on a failing network', (kind) => {
  const running = useStore(kind);
  const proxy = () => proxyOf(running());
  const open = () => openObjectStore(running().url(freshPrefix()), configFromEnv(running().env));

  it.each<[string, Fault]>([
    ['answered 500', { method: 'PUT', status: 500 }],
    ['answered 503', { method: 'PUT', status: 503 }],
    ['whose connection drops', { method: 'PUT', drop: true }],
  ])('retries a write %s, and stores the object once it goes through', async (_, fault) => {
    // Prepare
    const store = await open();
    const body = randomBytes(10_000);
    proxy().fail(fault, 2);

    // Act
    const outcome = await store.putIfAbsent(KEY, body);

    // Assess
    expect(outcome).toBe('created');
    expect(sha256(await store.get(KEY))).toBe(sha256(body));
  });

  it('fails a write the server keeps refusing with a StoreError naming the store, the key and the status', async () => {
    // Prepare
    const store = await open();
    proxy().fail({ method: 'PUT', status: 503 });

    // Act
    const error = await store.putIfAbsent(KEY, randomBytes(10)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: KEY });
    expect((error as Error).message).toContain(store.url);
    expect((error as Error).message).toContain('503');
  });

  it('counts a 412 answer to the conditional write as an object that already exists', async () => {
    // Prepare
    const store = await open();
    proxy().fail({ method: 'PUT', status: 412 }, 1);

    // Act
    const outcome = await store.putIfAbsent(KEY, randomBytes(10));

    // Assess
    expect(outcome).toBe('exists');
  });

  it.each(HANDLERS)('makes $name reject while the store keeps failing, and store the batch when it is delivered again', async ({ deliver }) => {
    // Prepare
    const runtime = await functionRuntime(configFromEnv({ ...running().env, KAUDIT_STORE_URL: running().url(freshPrefix()) }), 'eu-west-1');
    proxy().fail({ method: 'PUT', status: 503 });

    // Act
    const failed = await deliver(runtime).catch((caught: unknown) => caught);
    proxy().heal();
    const redelivered = await deliver(runtime);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).cause).toBeInstanceOf(StoreError);
    expect(redelivered).toMatchObject({ summary: { written: 2, duplicates: 0 } });
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
