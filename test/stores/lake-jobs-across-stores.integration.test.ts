/**
 * The scheduled lake jobs' Lambda handlers over the cloud stores (s3rver, azurite): compaction
 * within a deadline, and analytics pulling the lake into its cache and storing findings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnalyticsHandler } from '../../functions/lake-analytics/handler.ts';
import { createCompactionHandler } from '../../functions/lake-compaction/handler.ts';
import { HOUR_RESERVE_MS } from '../../shared/compaction/compaction-job.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { ANALYTICS } from '../../shared/detect/analytics.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { COMPACTED_PREFIX, FINDINGS_PREFIX, MANIFEST_SUFFIX } from '../../shared/store/layout.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import { requestsEvery } from '../detect/lake-builders.ts';
import { eventsAt, storeBatch } from '../helpers/compaction.ts';
import { capturedOutput, lambdaContext, schedulerInvocation } from '../helpers/lake-jobs.ts';
import { freshPrefix, NETWORK_KINDS, type RunningStore, type StoreKind, useStore } from './store-kinds.ts';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'kaudit-lake-jobs-stores-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const started = new Map(NETWORK_KINDS.map((kind) => [kind.name, useStore(kind)] as const));
const running = (kind: StoreKind): RunningStore => (started.get(kind.name) as () => RunningStore)();

describe.each(NETWORK_KINDS)('the lake jobs on the $name store', (kind) => {
  afterEach(() => vi.restoreAllMocks());

  async function freshLake() {
    const url = running(kind).url(freshPrefix());
    const config = configFromEnv({ ...running(kind).env, KAUDIT_STORE_URL: url });
    return { url, config, store: await openObjectStore(url, config) };
  }

  it('compacts hours until the deadline, and the next run compacts the rest', async () => {
    // Prepare
    const { config, store } = await freshLake();
    await storeBatch(store, 'batch-a', eventsAt('a', ['2026-11-20T09:10:00.000001Z', '2026-11-20T10:20:00.000002Z', '2026-11-20T11:05:00.000003Z']));
    const output = capturedOutput('kaudit-lake-compaction');
    const handler = createCompactionHandler({ config: () => config, logger: output.logger, metrics: output.metrics, workDir });

    // Act
    const first = await handler(schedulerInvocation('2026-12-03T10:05:00Z'), lambdaContext([14 * 60_000, HOUR_RESERVE_MS - 1]));
    const next = await handler(schedulerInvocation('2026-12-03T11:05:00Z'), lambdaContext());

    // Assess
    const manifests: string[] = [];
    for await (const object of store.list(COMPACTED_PREFIX)) if (object.key.endsWith(MANIFEST_SUFFIX)) manifests.push(object.key);
    expect([first, next]).toMatchObject([
      { hoursCompacted: 1, pendingHours: 2 },
      { hoursCompacted: 2, pendingHours: 0 },
    ]);
    expect(manifests).toHaveLength(3);
  });

  it('stores the analytics’ findings in the lake, read through the job’s cache', async () => {
    // Prepare
    const { config, store } = await freshLake();
    const creates = requestsEvery('2026-11-20T10:20:00Z', 10, 25, (index, time) => ({ time, user: 'mallory@example.com', verb: 'create', name: `cm-${index}` }));
    await new LakeEventStore(store).writeEvents('batch-a', creates);
    const output = capturedOutput('kaudit-lake-analytics');
    const handler = createAnalyticsHandler({ config: () => config, logger: output.logger, metrics: output.metrics, workDir: path.join(workDir, freshPrefix()), baseDir: workDir });

    // Act
    const summary = await handler(schedulerInvocation('2026-11-20T11:15:00Z', 'kaudit-lake-analytics'), lambdaContext());

    // Assess
    const stored: { rule_id: string; event_id: string }[] = [];
    for await (const object of store.list(FINDINGS_PREFIX)) {
      for (const line of gunzipSync(await store.get(object.key))
        .toString('utf8')
        .split('\n'))
        if (line !== '') stored.push(JSON.parse(line));
    }
    expect(summary).toMatchObject({ since: '2026-11-20T10:00:00.000Z', findings: stored.length, written: stored.length });
    expect(stored.map((finding) => [finding.rule_id, finding.event_id])).toContainEqual([ANALYTICS.newIdentity.id, creates[19]?.event_id]);
  });
});
