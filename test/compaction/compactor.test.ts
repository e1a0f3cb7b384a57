import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactLake, DEFAULT_GRACE_MS } from '../../shared/compaction/compactor.ts';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { COMPACTED_PREFIX, EVENTS_PREFIX, MANIFEST_SUFFIX, PARQUET_SUFFIX } from '../../shared/store/layout.ts';
import { compact, eventsAt, FailingStore, LATER, storeBatch } from '../helpers/compaction.ts';
import { storedKeys, temporaryFileStore } from '../helpers/lake.ts';

const DAY_ONE = ['2026-11-20T09:10:00.000001Z', '2026-11-20T09:20:00.000002Z', '2026-11-20T10:05:00.000003Z'];
const DAY_TWO = ['2026-11-21T09:15:00.000004Z'];

/** The store's objects with their bytes, to show what compaction leaves untouched. */
async function snapshot(root: string, prefix: string): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  const store = new FileObjectStore(`file://${root}`);
  for await (const object of store.list(prefix)) objects.set(object.key, (await store.get(object.key)).toString('base64'));
  return objects;
}

async function query(root: string, sql: string): Promise<Record<string, unknown>[]> {
  const lake = await LakeQuery.open(root, undefined, LATER);
  try {
    return (await lake.run(sql)).rows;
  } finally {
    lake.close();
  }
}

/** Each event id with how often `events` holds it. */
function eventCounts(root: string): Promise<Record<string, unknown>[]> {
  return query(root, 'SELECT audit_id, count(*) AS n FROM events GROUP BY audit_id ORDER BY audit_id');
}

describe('compaction', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let store: FileObjectStore;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    store = new FileObjectStore(lake.url);
  });
  afterEach(() => lake.cleanup());

  it('writes each closed hour as Parquet and a manifest, and events reads every event once from it', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    await storeBatch(store, 'batch-b', eventsAt('a', DAY_ONE.slice(0, 1)));
    const before = await eventCounts(lake.root);

    // Act
    const summary = await compact(store, lake.root);

    // Assess
    expect(summary.compacted.map((hour) => [hour.dt, hour.hour, hour.events])).toEqual([
      ['2026-11-20', '09', 2],
      ['2026-11-20', '10', 1],
    ]);
    const compacted = await storedKeys(lake.url, COMPACTED_PREFIX);
    expect(compacted.filter((key) => key.endsWith(MANIFEST_SUFFIX))).toHaveLength(2);
    expect(compacted.filter((key) => key.endsWith(PARQUET_SUFFIX))).toHaveLength(2);
    expect(await eventCounts(lake.root)).toEqual(before);
    expect(before).toEqual([
      { audit_id: 'a-0', n: 1 },
      { audit_id: 'a-1', n: 1 },
      { audit_id: 'a-2', n: 1 },
    ]);
  });

  it('reads compacted rows with the same values the NDJSON objects hold', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    const sql = 'SELECT * FROM events ORDER BY event_id';
    const fromNdjson = await query(lake.root, sql);

    // Act
    await compact(store, lake.root);

    // Assess
    expect(await query(lake.root, sql)).toEqual(fromNdjson);
  });

  it('never changes or removes an NDJSON object', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    const evidence = await snapshot(lake.root, EVENTS_PREFIX);

    // Act
    await compact(store, lake.root);

    // Assess
    expect(await snapshot(lake.root, EVENTS_PREFIX)).toEqual(evidence);
  });

  it('does nothing when run again over hours already compacted', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    await compact(store, lake.root);
    const compacted = await snapshot(lake.root, COMPACTED_PREFIX);

    // Act
    const again = await compact(store, lake.root);

    // Assess
    expect(again).toMatchObject({ closedHours: 2, compacted: [] });
    expect(await snapshot(lake.root, COMPACTED_PREFIX)).toEqual(compacted);
  });

  it('leaves an hour alone until it ended longer ago than the grace period, and hours after --before', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', [...DAY_ONE, ...DAY_TWO]));

    // Act: at 10:30 on day two its 09:00 hour ended 30 minutes ago; at 11:30, 90 minutes ago.
    const beforeDayTwo = await compact(store, lake.root, new Date('2026-11-21T11:30:00Z'), new Date('2026-11-21T00:00:00Z'));
    const withinGrace = await compact(store, lake.root, new Date('2026-11-21T10:30:00Z'));
    const pastGrace = await compact(store, lake.root, new Date('2026-11-21T11:30:00Z'));

    // Assess
    const hours = (summary: typeof pastGrace) => summary.compacted.map((hour) => `${hour.dt}/${hour.hour}`);
    expect(hours(beforeDayTwo)).toEqual(['2026-11-20/09', '2026-11-20/10']);
    expect(hours(withinGrace)).toEqual([]);
    expect(hours(pastGrace)).toEqual(['2026-11-21/09']);
  });

  it('shows a late object in a compacted hour at once, counting an event both tiers hold once', async () => {
    // Prepare
    const [first, second] = eventsAt('a', DAY_ONE.slice(0, 2));
    await storeBatch(store, 'batch-a', [first as never]);
    await compact(store, lake.root);

    // Act: a redelivery through another path brings the compacted event again, and one new event.
    await storeBatch(store, 'late-batch', [first as never, second as never]);

    // Assess
    expect(await eventCounts(lake.root)).toEqual([
      { audit_id: 'a-0', n: 1 },
      { audit_id: 'a-1', n: 1 },
    ]);
  });

  it('folds a late object into its hour on the next run', async () => {
    // Prepare
    const [first, second] = eventsAt('a', DAY_ONE.slice(0, 2));
    await storeBatch(store, 'batch-a', [first as never]);
    await compact(store, lake.root);
    await storeBatch(store, 'late-batch', [first as never, second as never]);

    // Act
    const summary = await compact(store, lake.root);

    // Assess
    expect(summary.compacted).toMatchObject([{ dt: '2026-11-20', hour: '09', objects: 2, late: 1, events: 2 }]);
    expect(await query(lake.root, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
    const lateNdjson = await query(lake.root, "SELECT count(*) AS n FROM events_all WHERE hour = '09'");
    expect(lateNdjson).toEqual([{ n: 3 }]);
  });

  it.each([1, 2, 3, 4])('keeps every event readable once when a run is killed at write %i, and the next run completes', async (failAt) => {
    // Prepare: two hours, so the writes are Parquet, manifest, Parquet, manifest.
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    const expected = await eventCounts(lake.root);

    // Act
    const killed = await compact(new FailingStore(store, failAt), lake.root).then(
      () => 'finished',
      (error: Error) => error.message,
    );
    const afterKill = await eventCounts(lake.root);
    const rerun = await compact(store, lake.root);

    // Assess
    expect(killed).toMatch(/^killed before writing compacted\/v1\//);
    expect(afterKill).toEqual(expected);
    expect(rerun.compacted.length).toBeGreaterThan(0);
    expect(await eventCounts(lake.root)).toEqual(expected);
    expect(await compact(store, lake.root)).toMatchObject({ compacted: [] });
  });

  it('reads only the Parquet files of the day a query filters on', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', [...DAY_ONE, ...DAY_TWO]));
    await compact(store, lake.root);

    // Act
    const plan = await query(lake.root, "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE dt = '2026-11-21'");

    // Assess
    const text = plan.map((row) => Object.values(row).join('\n')).join('\n');
    expect(text.match(/Total Files Read: (\d+)/)?.[1]).toBe('1');
    expect(await query(lake.root, "SELECT count(*) AS n FROM events WHERE dt = '2026-11-21'")).toEqual([{ n: 1 }]);
  });

  it('skips the row groups outside a time filter', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE));
    await compact(store, lake.root);

    // Act
    const plan = await query(lake.root, "EXPLAIN ANALYZE SELECT count(*) FROM events WHERE time >= '2026-11-20T10:00:00Z'");

    // Assess: the filter is handed to the Parquet scan, which compares it with each row group's statistics.
    const text = plan.map((row) => Object.values(row).join('\n')).join('\n');
    expect(text).toMatch(/READ_PARQUET[\s\S]*Filters:[\s\S]*time>=/);
  });

  it('leaves an hour whose manifest is not a manifest to its NDJSON objects', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', DAY_ONE.slice(0, 1)));
    await store.putIfAbsent(`${COMPACTED_PREFIX}dt=2026-11-20/hour=09/forged${MANIFEST_SUFFIX}`, Buffer.from('{"kind":"kaudit.compaction/v1"}'));

    // Act
    const rows = await eventCounts(lake.root);

    // Assess
    expect(rows).toEqual([{ audit_id: 'a-0', n: 1 }]);
  });
  it('stops before the next hour when told to, and the next run compacts the hours left', async () => {
    // Prepare
    await storeBatch(store, 'batch-a', eventsAt('a', [...DAY_ONE, ...DAY_TWO]));
    let asked = 0;
    const stopAfterOne = () => asked++ >= 1;

    // Act
    const first = await compactLake(store, { now: LATER, before: null, graceMs: DEFAULT_GRACE_MS, workDir: path.join(lake.root, 'work'), shouldStop: stopAfterOne });
    const second = await compact(store, lake.root);

    // Assess
    expect(first).toMatchObject({ closedHours: 3, pendingHours: 2, compacted: [{ dt: '2026-11-20', hour: '09' }] });
    expect(second.compacted.map((hour) => `${hour.dt}/${hour.hour}`)).toEqual(['2026-11-20/10', '2026-11-21/09']);
    expect(second.pendingHours).toBe(0);
    expect(await eventCounts(lake.root)).toHaveLength(4);
  });
});
