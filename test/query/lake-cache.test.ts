import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CacheProgress, cacheDirFor, pullIntoCache } from '../../shared/query/lake-cache.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { MemoryObjectStore, storedKeys } from '../helpers/lake.ts';

const NOW = new Date('2026-11-20T14:30:00.000Z');
/** [10:30, 13:00) on 2026-11-20: partitions hour=10, 11 and 12 of that day. */
const RANGE = { since: new Date('2026-11-20T10:30:00Z'), until: new Date('2026-11-20T13:00:00Z') };

describe('pullIntoCache', () => {
  let cache: string;
  beforeEach(async () => {
    cache = await mkdtemp(path.join(tmpdir(), 'kaudit-cache-test-'));
  });
  afterEach(() => rm(cache, { recursive: true, force: true }));

  /** A store with an object in each of `partitions` (`events/v1/dt=…/hour=…/`), named after it. */
  async function storeWith(...partitions: string[]): Promise<MemoryObjectStore> {
    const store = new MemoryObjectStore();
    for (const partition of partitions) await store.putIfAbsent(`${partition}batch.ndjson.gz`, Buffer.from(partition));
    return store;
  }

  it('copies the events and quarantine objects of the partitions the range touches, and nothing else', async () => {
    // Prepare
    const store = await storeWith(
      'events/v1/dt=2026-11-19/hour=23/',
      'events/v1/dt=2026-11-20/hour=09/',
      'events/v1/dt=2026-11-20/hour=10/',
      'events/v1/dt=2026-11-20/hour=12/',
      'events/v1/dt=2026-11-20/hour=13/',
      'quarantine/v1/dt=2026-11-20/hour=11/',
    );

    // Act
    await pullIntoCache(store, cache, RANGE, { now: NOW });

    // Assess
    expect(await storedKeys(`file://${cache}`, '')).toEqual([
      'events/v1/dt=2026-11-20/hour=10/batch.ndjson.gz',
      'events/v1/dt=2026-11-20/hour=12/batch.ndjson.gz',
      'quarantine/v1/dt=2026-11-20/hour=11/batch.ndjson.gz',
    ]);
    expect(await readFile(path.join(cache, 'events/v1/dt=2026-11-20/hour=12/batch.ndjson.gz'), 'utf8')).toBe('events/v1/dt=2026-11-20/hour=12/');
  });

  it('downloads on a second pull only the objects that are new', async () => {
    // Prepare
    const store = await storeWith('events/v1/dt=2026-11-20/hour=10/', 'events/v1/dt=2026-11-20/hour=11/');
    await pullIntoCache(store, cache, RANGE, { now: NOW });
    await store.putIfAbsent('events/v1/dt=2026-11-20/hour=11/later.ndjson.gz', Buffer.from('later'));

    // Act
    const again = await pullIntoCache(store, cache, RANGE, { now: NOW });

    // Assess
    expect(again).toEqual({ total: 3, done: 3, downloaded: 1, downloadedBytes: 5 });
  });

  it('downloads again a cached file whose size is not the object size, as an interrupted copy would leave it', async () => {
    // Prepare
    const store = await storeWith('events/v1/dt=2026-11-20/hour=10/');
    const cached = path.join(cache, 'events/v1/dt=2026-11-20/hour=10/batch.ndjson.gz');
    await mkdir(path.dirname(cached), { recursive: true });
    await writeFile(cached, 'events/v1/');

    // Act
    const pulled = await pullIntoCache(store, cache, RANGE, { now: NOW });

    // Assess
    expect(pulled.downloaded).toBe(1);
    expect(await readFile(cached, 'utf8')).toBe('events/v1/dt=2026-11-20/hour=10/');
  });

  it('reports progress after each object, up to the total', async () => {
    // Prepare
    const store = await storeWith('events/v1/dt=2026-11-20/hour=10/', 'events/v1/dt=2026-11-20/hour=11/', 'events/v1/dt=2026-11-20/hour=12/');
    const reports: CacheProgress[] = [];

    // Act
    await pullIntoCache(store, cache, RANGE, { now: NOW, onProgress: (progress) => reports.push(progress) });

    // Assess
    expect(reports.map((progress) => `${progress.done}/${progress.total}`)).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses an object key that would land outside the cache directory', async () => {
    // Prepare
    const store = new MemoryObjectStore();
    const key = 'events/v1/dt=2026-11-20/hour=10/../../../../../../escaped.ndjson.gz';
    await store.putIfAbsent(key, Buffer.from('x'));

    // Act
    const error = await pullIntoCache(store, cache, { since: null, until: null }, { now: NOW }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key });
  });
});

describe('cacheDirFor', () => {
  it('gives each store URL its own directory, even URLs that read alike', () => {
    // Act
    const directories = ['s3://lake/eu-prod', 's3://lake/eu_prod', 'azblob://lake/eu-prod/x'].map((url) => cacheDirFor(url, '/cache'));

    // Assess
    expect(new Set(directories).size).toBe(3);
    expect(directories[0]).toMatch(/^\/cache\/s3_lake_eu-prod-[0-9a-f]{12}$/);
  });
});
