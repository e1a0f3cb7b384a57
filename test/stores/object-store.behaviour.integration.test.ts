/**
 * What every store kind promises (docs/contracts.md#store-layout), checked the same way against each: the file store,
 * S3 (s3rver) and Blob Storage (azurite), opened from their URLs by the one factory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { UPLOAD_PART_BYTES } from '../../shared/store/file-parts.ts';
import { type ObjectStore, type StoredObject, StoreError } from '../../shared/store/object-store.ts';
import { openEventStore, openObjectStore } from '../../shared/store/open-store.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { freshPrefix, INTERRUPTIBLE_KINDS, NETWORK_KINDS, STORE_KINDS, useStore } from './store-kinds.ts';

const KEY = 'events/v1/dt=2026-11-20/hour=14/batch-0001.ndjson.gz';
const PARQUET_KEY = 'compacted/v1/dt=2026-11-20/hour=14/0123456789abcdef0123456789abcdef.parquet';
/** A file that goes in three parts, the last a short one. */
const SEVERAL_PARTS = 2 * UPLOAD_PART_BYTES + 1000;

/** A local file of `bytes`, in a temporary directory removed after the test's `run`. */
async function withLocalFile<T>(bytes: Buffer, run: (file: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), 'kaudit-put-file-'));
  try {
    const file = path.join(directory, 'part-0.parquet');
    await writeFile(file, bytes);
    return await run(file);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

describe.each(STORE_KINDS)('$name store', (kind) => {
  const running = useStore(kind);

  const open = (prefix: string) => openObjectStore(running().url(prefix), configFromEnv(running().env));

  it('lays a batch out as PREFIX/events/v1/dt=DAY/hour=HH/BATCH.ndjson.gz, one object per hour', async () => {
    // Prepare
    const prefix = freshPrefix();
    const lake = await openEventStore(running().url(prefix), configFromEnv(running().env));
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent(), auditEvent({ auditID: 'later', stageTimestamp: '2026-11-20T15:00:00.000001Z' })] }));
    const batch = processBatch(decodeCloudWatchSubscription(event, { region: 'eu-west-1', ingestTime: '2026-11-20T15:01:00.000Z', limits: DEFAULT_LIMITS }));

    // Act
    await lake.writeEvents(batch.batchKey, batch.events);

    // Assess
    const seenFromRoot = await listAll(await open(''), `${prefix}/`);
    expect(seenFromRoot.map((object) => object.key)).toEqual([
      `${prefix}/events/v1/dt=2026-11-20/hour=14/${batch.batchKey}.ndjson.gz`,
      `${prefix}/events/v1/dt=2026-11-20/hour=15/${batch.batchKey}.ndjson.gz`,
    ]);
  });

  it('creates an object once: putting the key again reports exists and keeps the first body', async () => {
    // Prepare
    const store = await open(freshPrefix());
    const first = randomBytes(1000);

    // Act
    const outcomes = [await store.putIfAbsent(KEY, first), await store.putIfAbsent(KEY, randomBytes(2000))];

    // Assess
    expect(outcomes).toEqual(['created', 'exists']);
    expect(sha256(await store.get(KEY))).toBe(sha256(first));
    expect(await listAll(store, 'events/')).toEqual([{ key: KEY, size: 1000 }]);
  });

  it('gives back exactly the bytes it was given', async () => {
    // Prepare
    const store = await open(freshPrefix());
    const body = randomBytes(300_000);

    // Act
    await store.putIfAbsent(KEY, body);

    // Assess
    expect(sha256(await store.get(KEY))).toBe(sha256(body));
  });

  it.each([
    ['in one request', 300_000],
    ['in parts', SEVERAL_PARTS],
  ])('stores a local file %s as the object, byte for byte', async (_, size) => {
    // Prepare
    const store = await open(freshPrefix());
    const body = randomBytes(size);

    // Act
    const outcome = await withLocalFile(body, (file) => store.putFileIfAbsent(PARQUET_KEY, file));

    // Assess
    expect(outcome).toBe('created');
    expect(sha256(await store.get(PARQUET_KEY))).toBe(sha256(body));
    expect(await listAll(store, 'compacted/')).toEqual([{ key: PARQUET_KEY, size }]);
  });

  it('creates an object from a file once: putting the key again reports exists and keeps the first body', async () => {
    // Prepare
    const store = await open(freshPrefix());
    const first = randomBytes(SEVERAL_PARTS);
    await withLocalFile(first, (file) => store.putFileIfAbsent(PARQUET_KEY, file));

    // Act
    const outcomes = [
      await withLocalFile(randomBytes(SEVERAL_PARTS), (file) => store.putFileIfAbsent(PARQUET_KEY, file)),
      await withLocalFile(randomBytes(1000), (file) => store.putFileIfAbsent(PARQUET_KEY, file)),
    ];

    // Assess
    expect(outcomes).toEqual(['exists', 'exists']);
    expect(sha256(await store.get(PARQUET_KEY))).toBe(sha256(first));
  });

  it('lists the objects under a key prefix, with their sizes, in key order', async () => {
    // Prepare
    const store = await open(freshPrefix());
    await store.putIfAbsent('quarantine/v1/dt=2026-11-20/hour=14/q.ndjson.gz', randomBytes(5));
    await store.putIfAbsent('events/v1/dt=2026-11-20/hour=15/b.ndjson.gz', randomBytes(20));
    await store.putIfAbsent('events/v1/dt=2026-11-20/hour=14/a.ndjson.gz', randomBytes(10));

    // Act
    const listed = await listAll(store, 'events/v1/');

    // Assess
    expect(listed).toEqual([
      { key: 'events/v1/dt=2026-11-20/hour=14/a.ndjson.gz', size: 10 },
      { key: 'events/v1/dt=2026-11-20/hour=15/b.ndjson.gz', size: 20 },
    ]);
  });

  it('keeps stores at sibling prefixes apart, even when one prefix starts the other', async () => {
    // Prepare
    const prefix = freshPrefix();
    const store = await open(prefix);
    const sibling = await open(`${prefix}x`);
    await sibling.putIfAbsent(KEY, randomBytes(10));

    // Act
    const outcome = await store.putIfAbsent(KEY, randomBytes(10));

    // Assess
    expect(outcome).toBe('created');
    expect(await listAll(store, '')).toEqual([{ key: KEY, size: 10 }]);
  });

  it('fails a read of a missing object with a StoreError naming the store and the key', async () => {
    // Prepare
    const store = await open(freshPrefix());

    // Act
    const error = await store.get(KEY).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: KEY });
    expect((error as Error).message).toContain(KEY);
  });

  it('fails a write where the store cannot write with a StoreError naming the key', async () => {
    // Prepare
    const store = await openObjectStore(running().unwritableUrl, configFromEnv(running().env));

    // Act
    const error = await store.putIfAbsent(KEY, randomBytes(10)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: KEY });
    expect((error as Error).message).toContain(KEY);
  });
});

describe.each(INTERRUPTIBLE_KINDS)('$name store, write cut off', (kind) => {
  const running = useStore(kind);

  it('shows no part of an object whose write was cut off midway, and stores it whole when written again', async () => {
    // Prepare
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv(running().env));
    const body = randomBytes(2_000_000);
    await kind.interruptWrite(running(), prefix, KEY, body);

    // Act
    const listedAfterCut = await listAll(store, '');
    const readAfterCut = await store.get(KEY).catch((caught: unknown) => caught);
    const again = await store.putIfAbsent(KEY, body);

    // Assess
    expect(listedAfterCut).toEqual([]);
    expect(readAfterCut).toBeInstanceOf(StoreError);
    expect(again).toBe('created');
    expect(sha256(await store.get(KEY))).toBe(sha256(body));
  });
});

describe.each(NETWORK_KINDS)('$name store, a part of a file write failing', (kind) => {
  const running = useStore(kind);

  it('shows no object when a part of a file fails for good, and stores the file whole when written again', async () => {
    // Prepare: one attempt per request, and the first part's PUT (S3's UploadPart, Blob's Put Block) answered 500
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv({ ...running().env, KAUDIT_STORE_MAX_ATTEMPTS: '1' }));
    const body = randomBytes(SEVERAL_PARTS);
    running().proxy?.fail({ method: 'PUT', status: 500 }, 1);

    // Act
    const failed = await withLocalFile(body, (file) => store.putFileIfAbsent(PARQUET_KEY, file)).catch((error: unknown) => error);
    const listedAfterFailure = await listAll(store, '');
    const again = await withLocalFile(body, (file) => store.putFileIfAbsent(PARQUET_KEY, file));

    // Assess
    expect(failed).toBeInstanceOf(StoreError);
    expect(listedAfterFailure).toEqual([]);
    expect(again).toBe('created');
    expect(sha256(await store.get(PARQUET_KEY))).toBe(sha256(body));
  });
});

/** Compared by digest: deep equality of megabyte buffers takes seconds. */
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function listAll(store: ObjectStore, prefix: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  for await (const object of store.list(prefix)) objects.push(object);
  return objects;
}
