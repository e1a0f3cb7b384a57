import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { DashboardApi } from '../../shared/ui/dashboard-api.ts';
import { confineToLake } from '../../shared/ui/lake-lockdown.ts';
import { DEMO_SA } from '../query/search/search-events.ts';
import { dashboardEvents } from './dashboard-events.ts';

describe("the dashboard's API", () => {
  let root: string;
  let lake: LakeQuery;
  let api: DashboardApi;
  const logged: string[] = [];
  const body = async (name: string, params: Record<string, string> = {}) => (await api.answer(name, new URLSearchParams(params))).body as Record<string, unknown>;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kaudit-ui-api-'));
    await new LakeEventStore(new FileObjectStore(`file://${root}`)).writeEvents('file-api-test', dashboardEvents());
    lake = await LakeQuery.open(root);
    await confineToLake(lake, root);
    api = new DashboardApi(
      lake,
      () => new Date('2026-11-21T00:00:00Z'),
      (line) => logged.push(line),
    );
  });
  afterAll(async () => {
    lake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('counts events by response class, code, and top values, in one overview', async () => {
    // Act
    const overview = await body('overview');

    // Assess
    expect(overview.total).toBe(10);
    expect(overview.classes).toEqual([
      { class: '2xx', count: 3 },
      { class: '3xx', count: 0 },
      { class: '4xx', count: 5 },
      { class: '5xx', count: 1 },
    ]);
    expect(overview.codes).toEqual([
      { code: 403, count: 4 },
      { code: 200, count: 3 },
      { code: 404, count: 1 },
      { code: 504, count: 1 },
    ]);
    expect((overview.top as Record<string, unknown[]>).verb?.[0]).toEqual({ value: 'list', count: 5 });
  });

  it('counts only what the query finds in the range', async () => {
    // Act
    const overview = await body('overview', { q: 'verb = list', since: '2026-11-20T14:00:02Z', until: '2026-11-20T14:00:06Z' });

    // Assess
    expect(overview.total).toBe(3);
    expect((overview.top as Record<string, unknown[]>).user_name).toEqual([
      { value: DEMO_SA, count: 2 },
      { value: 'Bob@example.com', count: 1 },
    ]);
  });

  it('splits the timeline by outcome over bars covering the range', async () => {
    // Act
    const { timeline } = (await body('overview', { since: '2026-11-20T14:00:00Z', until: '2026-11-20T14:01:00Z' })) as {
      timeline: { from: number; to: number; width: number; bars: { outcome: string; count: number }[] };
    };

    // Assess
    expect(timeline.from).toBe(Date.parse('2026-11-20T14:00:00Z'));
    expect(timeline.to).toBe(Date.parse('2026-11-20T14:01:00Z'));
    expect(timeline.width).toBe(1_000);
    expect(timeline.bars.reduce((sum, bar) => sum + bar.count, 0)).toBe(9);
    expect(new Set(timeline.bars.map((bar) => bar.outcome))).toEqual(new Set(['success', 'failure', 'unknown']));
  });

  it('pages through events and says whether more follow', async () => {
    // Act
    const first = await body('search', { page: '0' });
    const beyond = await body('search', { page: '1' });

    // Assess
    expect(first).toMatchObject({ kind: 'events', page: 0, hasMore: false });
    expect((first.rows as unknown[]).length).toBe(10);
    expect(beyond.rows).toEqual([]);
  });

  it('answers a relative range against its clock', async () => {
    // Act
    const overview = await body('overview', { since: '2h' });

    // Assess
    expect(overview.total).toBe(0);
  });

  it('refuses a page number out of bounds', async () => {
    // Act
    const answer = await api.answer('search', new URLSearchParams({ page: '-1' }));

    // Assess
    expect(answer.status).toBe(400);
  });

  it('reports no findings panel when the store holds no findings', async () => {
    // Act
    const findings = await body('findings');

    // Assess
    expect(findings).toEqual({ available: false, rows: [] });
  });

  it('reads nothing outside the lake: its DuckDB is confined and locked', async () => {
    // Act and assess
    await expect(lake.run("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/Permission Error/);
    await expect(lake.run('SET enable_external_access = true')).rejects.toThrow(/configuration has been locked/);
  });
});
