import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_LIMIT } from '../../shared/cli/commands/search.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';
import { clusterHistory, DEMO_SA, HOSTILE_USER, WHAT_DEMO_WAS_REFUSED, whatDemoWasRefusedExplained } from '../query/search/search-events.ts';

/** The two queries of seed 002, verbatim. */
const WHO_WAS_REFUSED = 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username';

describe('kaudit search', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const search = (query: string, ...options: string[]) => runKaudit(['search', '--store', storeUrl, ...options, query], { cwd: lake.root });
  const jsonLines = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
    await new LakeEventStore(new FileObjectStore(storeUrl)).writeEvents('file-search-test', clusterHistory());
  });
  afterAll(() => lake.cleanup());

  it("answers seed 002's first query with a username and a count per user", async () => {
    // Act
    const run = await search(WHO_WAS_REFUSED, '--format', 'json');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(jsonLines(run.stdout)).toEqual([
      { username: DEMO_SA, count: 3 },
      { username: 'Bob@example.com', count: 1 },
    ]);
  });

  it("answers seed 002's second query with the demo account's refused events, newest first", async () => {
    // Act
    const run = await search(WHAT_DEMO_WAS_REFUSED, '--format', 'json');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(jsonLines(run.stdout).map((event) => event.audit_id)).toEqual(['demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']);
  });

  it('compares a time as ISO-8601 text, so a prefix bounds it and startswith picks a second', async () => {
    // Act
    const after = await search('time >= "2026-11-20T14:00:07" and cluster_name = onprem-dc1', '--format', 'json');
    const second = await search('time startswith "2026-11-20T14:00:02"', '--format', 'json');

    // Assess
    expect(after.exitCode).toBe(0);
    expect(jsonLines(after.stdout).map((event) => event.time)).toEqual(['2026-11-20T14:05:00Z', '2026-11-20T14:00:07Z']);
    expect(jsonLines(second.stdout).map((event) => event.time)).toEqual(['2026-11-20T14:00:02.500001Z', '2026-11-20T14:00:02.5Z']);
  });

  it('names each group column as the query wrote the field, in any letter case', async () => {
    // Act
    const run = await search('outcome = failure GroupBy Resource, cluster', '--format', 'csv');

    // Assess
    expect(run.stdout.split('\r\n')).toEqual(['Resource,cluster,count', 'secrets,onprem-dc1,2', 'configmaps,aks-weu-prod,1', 'pods,onprem-dc1,1', '']);
  });

  it('keeps events within --since and --until', async () => {
    // Act
    const run = await search('outcome = failure', '--since', '2026-11-20T14:00:02Z', '--until', '2026-11-20T14:00:05Z', '--format', 'json');

    // Assess
    expect(jsonLines(run.stdout).map((event) => event.audit_id)).toEqual(['demo-list-pods', 'demo-list-secrets-2']);
  });

  it('returns at most --limit events', async () => {
    // Act
    const run = await search('', '--limit', '2', '--format', 'json');

    // Assess
    expect(jsonLines(run.stdout).map((event) => event.audit_id)).toEqual(['truncated-delete', 'hostile-get-secret']);
  });

  it(`explains a query without --limit with the default limit of ${DEFAULT_EVENT_LIMIT} events`, async () => {
    // Act
    const run = await search(WHAT_DEMO_WAS_REFUSED, '--explain');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${whatDemoWasRefusedExplained(DEFAULT_EVENT_LIMIT)}\n`);
  });

  it('explains the time range as bound parameters after the query', async () => {
    // Act
    const run = await search('verb = get groupby username', '--explain', '--since', '2026-11-20', '--until', '2026-11-21');

    // Assess
    expect(run.stdout).toContain('"time" >= CAST($2 AS TIMESTAMP)');
    expect(run.stdout).toContain('-- $2 = "2026-11-20T00:00:00.000Z"\n-- $3 = "2026-11-21T00:00:00.000Z"\n');
  });

  it('binds a hostile value as a parameter, never as SQL text, and finds exactly its event', async () => {
    // Arrange
    const query = `username = "${HOSTILE_USER}"`;

    // Act
    const explained = await search(query, '--explain');
    const run = await search(query, '--format', 'json');

    // Assess
    const sql = explained.stdout.split('\n-- $1')[0];
    expect(sql).toBe(
      [
        'WITH page AS MATERIALIZED (',
        '  SELECT "event_id", "time" FROM "events"',
        '  WHERE "user_name" = $1',
        '  ORDER BY "time" DESC NULLS LAST, "event_id"',
        '  LIMIT $2',
        ')',
        'SELECT "events".* FROM "events" JOIN page USING ("event_id", "time")',
        'ORDER BY "time" DESC NULLS LAST, "event_id"',
      ].join('\n'),
    );
    expect(explained.stdout).toContain(`-- $1 = ${JSON.stringify(HOSTILE_USER)}`);
    expect(jsonLines(run.stdout).map((event) => event.audit_id)).toEqual(['hostile-get-secret']);
  });

  it('exits 2 on a query that does not compile, pointing at its column', async () => {
    // Act
    const run = await search('verb="list" and and user_name="demo"');

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('kaudit: search: column 17: expected a field, found "and"\nverb="list" and and user_name="demo"\n                ^ expected a field, found "and"\n');
  });

  it('exits 2 on a bad --since', async () => {
    // Act
    const run = await search('verb = get', '--since', 'yesterday');

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^kaudit: --since\/--until: "yesterday" is not a time/);
  });

  it('exits 3 when an object of the lake cannot be read', async () => {
    // Arrange: a lake whose only object is not gzip
    const broken = path.join(lake.root, 'broken');
    const partition = path.join(broken, 'events', 'v1', 'dt=2026-11-20', 'hour=14');
    await mkdir(partition, { recursive: true });
    await writeFile(path.join(partition, 'file-broken.ndjson.gz'), 'not gzip at all');

    // Act
    const run = await runKaudit(['search', '--store', `file://${broken}`, 'verb = get'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^kaudit: cannot read the lake of file:\/\/.*broken: /);
  });
});
