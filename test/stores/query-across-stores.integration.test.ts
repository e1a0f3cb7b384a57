/**
 * The acceptance: the same batches ingested into the file, S3 (s3rver) and Blob (azurite)
 * stores read back the same through `kaudit query`, and ingesting them again adds no row. Cloud
 * stores are queried through the local cache of the partitions in range.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, auditLogLines } from '../helpers/audit-events.ts';
import { type CliRun, runKaudit } from '../helpers/cli.ts';
import { freshPrefix, NETWORK_KINDS, type RunningStore, STORE_KINDS, type StoreKind, useStore } from './store-kinds.ts';

const SAMPLES = ['eks-cloudwatch-subscription-event.json', 'aks-eventhub-batch.json'].map((name) => fileURLToPath(new URL(`../../samples/${name}`, import.meta.url)));

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'kaudit-query-stores-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const started = new Map(STORE_KINDS.map((kind) => [kind.name, useStore(kind)] as const));
const running = (kind: StoreKind): RunningStore => (started.get(kind.name) as () => RunningStore)();

/** `kaudit ARGS --store URL` with the settings of the store's kind and a cache in the work directory. */
function kaudit(kind: StoreKind, url: string, args: string[]): Promise<CliRun> {
  return runKaudit([...args, '--store', url], { cwd: workDir, env: { ...running(kind).env, KAUDIT_CACHE_DIR: path.join(workDir, 'cache') } });
}

function freshUrl(kind: StoreKind): string {
  return running(kind).url(freshPrefix());
}

async function queryRows(kind: StoreKind, url: string, sql: string, options: string[] = []): Promise<Record<string, unknown>[]> {
  const run = await kaudit(kind, url, ['query', '--format', 'json', ...options, sql]);
  expect(run).toMatchObject({ exitCode: 0 });
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('kaudit ingest and query over every store kind', () => {
  it('reads back the same rows from the file, S3 and Blob stores the same batches were ingested into', async () => {
    // Prepare
    const urls = STORE_KINDS.map((kind) => [kind, freshUrl(kind)] as const);
    for (const [kind, url] of urls) expect(await kaudit(kind, url, ['ingest', '--region', 'eu-west-1', ...SAMPLES])).toMatchObject({ exitCode: 0 });

    // Act: ingest_time is when each ingest ran, the one column that may differ.
    const rows = await Promise.all(urls.map(([kind, url]) => queryRows(kind, url, 'SELECT * EXCLUDE (ingest_time) FROM events ORDER BY event_id')));

    // Assess
    const [file, s3, blob] = rows;
    expect(file).toHaveLength(16);
    expect(s3).toEqual(file);
    expect(blob).toEqual(file);
  });

  it.each(STORE_KINDS)('leaves events_all unchanged when every batch is ingested into the $name store again', async (kind) => {
    // Prepare
    const url = freshUrl(kind);
    await kaudit(kind, url, ['ingest', '--region', 'eu-west-1', ...SAMPLES]);
    const before = await queryRows(kind, url, 'SELECT count(*) AS n FROM events_all');

    // Act
    const again = await kaudit(kind, url, ['ingest', '--json', '--region', 'eu-west-1', ...SAMPLES]);

    // Assess
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0 });
    expect(await queryRows(kind, url, 'SELECT count(*) AS n FROM events_all')).toEqual(before);
    expect(before).toEqual([{ n: 16 }]);
  });
});

/** A store holding one event at 09:10, 11:10 and 13:10 on 2026-11-20, each in its own hour partition. */
async function storeWithThreeHours(kind: StoreKind): Promise<string> {
  const url = freshUrl(kind);
  const input = path.join(workDir, `${freshPrefix()}.log`);
  const times = ['09', '11', '13'].map((hour) => `2026-11-20T${hour}:10:00.000001Z`);
  await writeFile(input, auditLogLines(times.map((time) => auditEvent({ auditID: `at-${time.slice(11, 13)}`, requestReceivedTimestamp: time, stageTimestamp: time }))));
  expect(await kaudit(kind, url, ['ingest', '--cluster', 'onprem', input])).toMatchObject({ exitCode: 0 });
  return url;
}

describe.each(STORE_KINDS)('kaudit query --since/--until over the $name store', (kind) => {
  it('shows only the events at or after --since and before --until', async () => {
    // Prepare
    const url = await storeWithThreeHours(kind);

    // Act
    const rows = await queryRows(kind, url, 'SELECT audit_id FROM events ORDER BY 1', ['--since', '2026-11-20T09:10:00.000001Z', '--until', '2026-11-20T13:10:00.000001Z']);

    // Assess
    expect(rows).toEqual([{ audit_id: 'at-09' }, { audit_id: 'at-11' }]);
  });
});

describe.each(NETWORK_KINDS)('kaudit query cache of the $name store', (kind) => {
  it('downloads only the partitions in range, showing progress on stderr', async () => {
    // Prepare
    const url = await storeWithThreeHours(kind);

    // Act
    const run = await kaudit(kind, url, ['query', '--format', 'csv', '--since', '2026-11-20T10:00:00Z', '--until', '2026-11-20T12:00:00Z', 'SELECT audit_id FROM events']);

    // Assess
    expect(run.stdout).toBe('audit_id\r\nat-11\r\n');
    expect(run.stderr).toBe(`kaudit: ${url}: 1/1 objects in range, 1 downloaded (0.0 MB)\n`);
  });

  it('downloads nothing again for a range already in the cache', async () => {
    // Prepare
    const url = await storeWithThreeHours(kind);
    await kaudit(kind, url, ['query', '--since', '2026-11-20T08:00:00Z', 'SELECT 1']);

    // Act
    const again = await kaudit(kind, url, ['query', '--format', 'csv', '--since', '2026-11-20T08:00:00Z', 'SELECT count(*) AS n FROM events']);

    // Assess
    expect(again.stdout).toBe('n\r\n3\r\n');
    expect(again.stderr).toContain('3/3 objects in range, 0 downloaded');
  });
});
