/**
 * Compaction on every store kind: the Parquet tier and its manifests written to the file, S3
 * (s3rver) and Blob (azurite) stores, read back through `kaudit query` (cloud stores through the
 * cache), with late objects and a run killed between writes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { symlinkListKeyOf } from '../../shared/store/compaction-manifest.ts';
import { listHourTiers } from '../../shared/store/lake-tiers.ts';
import { SYMLINK_LISTS_PREFIX } from '../../shared/store/layout.ts';
import type { ObjectStore } from '../../shared/store/object-store.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import { runKaudit } from '../helpers/cli.ts';
import { compact, eventsAt, FailingStore, storeBatch } from '../helpers/compaction.ts';
import { freshPrefix, type RunningStore, S3_KIND, STORE_KINDS, type StoreKind, useStore } from './store-kinds.ts';

const TIMES = ['2026-11-20T09:10:00.000001Z', '2026-11-20T09:40:00.000002Z', '2026-11-20T10:05:00.000003Z'];

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'kaudit-compaction-stores-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const started = new Map(STORE_KINDS.map((kind) => [kind.name, useStore(kind)] as const));
const running = (kind: StoreKind): RunningStore => (started.get(kind.name) as () => RunningStore)();

async function freshStore(kind: StoreKind): Promise<{ url: string; store: ObjectStore }> {
  const url = running(kind).url(freshPrefix());
  return { url, store: await openObjectStore(url, configFromEnv(running(kind).env)) };
}

/** Each audit id with how often `events` holds it, through `kaudit query` (a fresh cache per call). */
async function eventCounts(kind: StoreKind, url: string): Promise<Record<string, unknown>[]> {
  const run = await runKaudit(['query', '--store', url, '--format', 'json', 'SELECT audit_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 1'], {
    cwd: workDir,
    env: { ...running(kind).env, KAUDIT_CACHE_DIR: path.join(workDir, `cache-${freshPrefix()}`) },
  });
  expect(run).toMatchObject({ exitCode: 0 });
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ONCE_EACH = [
  { audit_id: 'a-0', n: 1 },
  { audit_id: 'a-1', n: 1 },
  { audit_id: 'a-2', n: 1 },
];

describe.each(STORE_KINDS)('compaction on the $name store', (kind) => {
  it('reads every event once after compaction, with a late object and a redelivered event', async () => {
    // Prepare
    const { url, store } = await freshStore(kind);
    const [first, second, third] = eventsAt('a', TIMES);
    await storeBatch(store, 'batch-a', [first, third] as never[]);
    await compact(store, workDir);

    // Act: a late object in the compacted 09:00 hour holds one compacted event again and one new one.
    await storeBatch(store, 'late-batch', [first, second] as never[]);
    const beforeFolding = await eventCounts(kind, url);
    const folded = await compact(store, workDir);

    // Assess
    expect(beforeFolding).toEqual(ONCE_EACH);
    expect(folded.compacted).toMatchObject([{ hour: '09', late: 1, events: 2 }]);
    expect(await eventCounts(kind, url)).toEqual(ONCE_EACH);
  });

  it('leaves every event readable once when a run is killed after its first Parquet write, and the next run completes it', async () => {
    // Prepare
    const { url, store } = await freshStore(kind);
    await storeBatch(store, 'batch-a', eventsAt('a', TIMES));

    // Act
    await expect(compact(new FailingStore(store, 2), workDir)).rejects.toThrow(/killed before writing/);
    const afterKill = await eventCounts(kind, url);
    const rerun = await compact(store, workDir);

    // Assess
    expect(afterKill).toEqual(ONCE_EACH);
    expect(rerun.compacted.length).toBeGreaterThan(0);
    expect(await eventCounts(kind, url)).toEqual(ONCE_EACH);
    expect(await compact(store, workDir)).toMatchObject({ compacted: [] });
  });
});

/** The URIs in each compacted hour's symlink list, and the ones its covering manifest names. */
async function symlinkListsAndManifests(store: ObjectStore, url: string): Promise<{ hour: string; listed: string[]; manifest: string[] }[]> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const hours = (await listHourTiers(store, null)).filter((hour) => hour.manifest !== null);
  return Promise.all(
    hours.map(async (hour) => ({
      hour: hour.hour,
      listed: (await store.get(symlinkListKeyOf(hour)))
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
      manifest: (hour.manifest?.parquet ?? []).map((object) => `${base}${object.key}`),
    })),
  );
}

describe('symlink lists for Athena', () => {
  it("on S3, names exactly the Parquet objects of each hour's covering manifest, replaced when late objects are folded in", async () => {
    // Prepare
    const { url, store } = await freshStore(S3_KIND);
    const [first, second, third] = eventsAt('a', TIMES);
    await storeBatch(store, 'batch-a', [first, third] as never[]);
    await compact(store, workDir);
    const before = await symlinkListsAndManifests(store, url);

    // Act
    await storeBatch(store, 'late-batch', [second] as never[]);
    await compact(store, workDir);
    const after = await symlinkListsAndManifests(store, url);

    // Assess
    expect(before.map((hour) => hour.hour)).toEqual(['09', '10']);
    for (const hour of [...before, ...after]) expect(hour.listed).toEqual(hour.manifest);
    expect(after[0]?.listed).not.toEqual(before[0]?.listed);
  });

  it('on S3, gives a list to an hour compacted before lists were written, from its covering manifest', async () => {
    // Prepare: compacted through a store that offers no lists, as an earlier kaudit compacted.
    const { url, store } = await freshStore(S3_KIND);
    await storeBatch(store, 'batch-a', eventsAt('a', TIMES));
    const withoutLists: ObjectStore = {
      url: store.url,
      putIfAbsent: (key, body) => store.putIfAbsent(key, body),
      putFileIfAbsent: (key, file) => store.putFileIfAbsent(key, file),
      list: (prefix) => store.list(prefix),
      get: (key) => store.get(key),
    };
    await compact(withoutLists, workDir);

    // Act
    const rerun = await compact(store, workDir);

    // Assess
    expect(rerun.compacted).toEqual([]);
    const hours = await symlinkListsAndManifests(store, url);
    expect(hours.map((hour) => hour.hour)).toEqual(['09', '10']);
    for (const hour of hours) expect(hour.listed).toEqual(hour.manifest);
  });

  it.each(STORE_KINDS.filter((kind) => kind !== S3_KIND))('are not written on the $name store, which Athena does not read', async (kind) => {
    // Prepare
    const { store } = await freshStore(kind);
    await storeBatch(store, 'batch-a', eventsAt('a', TIMES));

    // Act
    await compact(store, workDir);

    // Assess
    const lists: string[] = [];
    for await (const object of store.list(SYMLINK_LISTS_PREFIX)) lists.push(object.key);
    expect(lists).toEqual([]);
  });
});
