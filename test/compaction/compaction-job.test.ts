import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCompactionHandler } from '../../functions/lake-compaction/handler.ts';
import { HOUR_RESERVE_MS } from '../../shared/compaction/compaction-job.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { JOB_METRICS } from '../../shared/runtime/metric-names.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { COMPACTED_PREFIX, MANIFEST_SUFFIX } from '../../shared/store/layout.ts';
import { eventsAt, storeBatch } from '../helpers/compaction.ts';
import { storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { capturedOutput, lambdaContext, schedulerInvocation } from '../helpers/lake-jobs.ts';

/** Three closed hours (events written days before the test runs). */
const TIMES = ['2026-11-20T09:10:00.000001Z', '2026-11-20T10:20:00.000002Z', '2026-11-20T11:05:00.000003Z'];
const PLENTY = 14 * 60_000;

describe('the lake compaction function', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let output: ReturnType<typeof capturedOutput>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    await storeBatch(new FileObjectStore(lake.url), 'batch-a', eventsAt('a', TIMES));
    output = capturedOutput('kaudit-lake-compaction');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await lake.cleanup();
  });

  const handler = () =>
    createCompactionHandler({ config: () => configFromEnv({ KAUDIT_STORE_URL: lake.url }), logger: output.logger, metrics: output.metrics, workDir: path.join(lake.root, 'tmp') });
  const manifests = async () => (await storedKeys(lake.url, COMPACTED_PREFIX)).filter((key) => key.endsWith(MANIFEST_SUFFIX));

  it('compacts every closed hour of the lake when invoked by its schedule, and publishes the hours and events', async () => {
    // Act
    const result = await handler()(schedulerInvocation('2026-12-03T10:05:00Z'), lambdaContext([PLENTY]));

    // Assess
    expect(result).toMatchObject({ closedHours: 3, hoursCompacted: 3, events: 3, pendingHours: 0 });
    expect(await manifests()).toHaveLength(3);
    expect(output.lines().find((line) => '_aws' in line)).toMatchObject({
      service: 'kaudit-lake-compaction',
      [JOB_METRICS.hoursCompacted]: 3,
      [JOB_METRICS.eventsCompacted]: 3,
      [JOB_METRICS.hoursPending]: 0,
    });
    expect(output.lines().find((line) => line.message === 'kaudit lake compacted')).toMatchObject({ hoursCompacted: 3, scheduledTime: '2026-12-03T10:05:00Z' });
  });

  it('starts no hour once Lambda has too little time left, reports the hours left, and the next run compacts them', async () => {
    // Prepare: time for one hour, then not enough.
    const runningOut = lambdaContext([PLENTY, HOUR_RESERVE_MS - 1]);

    // Act
    const first = await handler()(schedulerInvocation('2026-12-03T10:05:00Z'), runningOut);
    const next = await handler()(schedulerInvocation('2026-12-03T11:05:00Z'), lambdaContext([PLENTY]));

    // Assess
    expect(first).toMatchObject({ hoursCompacted: 1, pendingHours: 2 });
    expect(output.lines().find((line) => '_aws' in line)).toMatchObject({ [JOB_METRICS.hoursPending]: 2 });
    expect(next).toMatchObject({ hoursCompacted: 2, pendingHours: 0 });
    expect(await manifests()).toHaveLength(3);
  });

  it('refuses an input that is not the schedule’s, naming what it expected', async () => {
    // Act
    const invoking = handler()({ scheduledTime: 'yesterday' }, lambdaContext());

    // Assess
    await expect(invoking).rejects.toThrow('not a scheduled invocation: expected {"scheduledTime": ISO-8601');
    expect(await manifests()).toEqual([]);
  });

  it('fails the invocation, logging why, when the lake is not configured', async () => {
    // Prepare
    const unconfigured = createCompactionHandler({ config: () => configFromEnv({}), logger: output.logger, metrics: output.metrics, workDir: lake.root });

    // Act
    const invoking = unconfigured({}, lambdaContext());

    // Assess
    await expect(invoking).rejects.toThrow('KAUDIT_STORE_URL is not set');
    expect(output.lines().find((line) => line.message === 'kaudit lake compaction failed')).toMatchObject({ level: 'ERROR' });
  });
});
