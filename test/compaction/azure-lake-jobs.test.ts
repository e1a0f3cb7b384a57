import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AZURE_FUNCTION_TIMEOUT_MS, azureAnalyticsHandler, azureCompactionHandler } from '../../functions/lake-jobs/azure.ts';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';
import { HOUR_RESERVE_MS } from '../../shared/compaction/compaction-job.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { JOB_METRICS } from '../../shared/runtime/metric-names.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { COMPACTED_PREFIX, FINDINGS_PREFIX, MANIFEST_SUFFIX } from '../../shared/store/layout.ts';
import { requestsEvery, storeEvents } from '../detect/lake-builders.ts';
import { eventsAt, storeBatch } from '../helpers/compaction.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { azureTimer } from '../helpers/lake-jobs.ts';

/** An invocation context whose log lines the test reads. */
function invocation(name: string): { context: InvocationContext; lines: () => Record<string, unknown>[] } {
  const logged: string[] = [];
  const context = new InvocationContext({ invocationId: 'b4d8a2e0-1c3f-4a5b-9c7d-2e4f6a8b0c1d', functionName: name, logHandler: (_level, ...args) => logged.push(args.join(' ')) });
  return { context, lines: () => logged.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the lake jobs as Azure timer functions', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  const dependencies = (timeoutMs = AZURE_FUNCTION_TIMEOUT_MS) => ({
    config: () => configFromEnv({ KAUDIT_STORE_URL: lake.url }),
    workDir: path.join(lake.root, 'tmp'),
    timeoutMs,
  });

  it('compacts the closed hours when the timer fires, logging the summary and the metrics by their published names', async () => {
    // Prepare
    await storeBatch(new FileObjectStore(lake.url), 'batch-a', eventsAt('a', ['2026-11-20T09:10:00.000001Z', '2026-11-20T10:20:00.000002Z']));
    const { context, lines } = invocation('kaudit-lake-compaction');

    // Act
    await azureCompactionHandler(dependencies())(azureTimer('2026-12-03T10:05:00.000Z', '2026-12-03T11:05:00.000Z'), context);

    // Assess
    expect((await storedKeys(lake.url, COMPACTED_PREFIX)).filter((key) => key.endsWith(MANIFEST_SUFFIX))).toHaveLength(2);
    expect(lines()).toEqual([
      expect.objectContaining({
        message: 'kaudit lake compacted',
        hoursCompacted: 2,
        isPastDue: false,
        metrics: { [JOB_METRICS.hoursCompacted]: 2, [JOB_METRICS.eventsCompacted]: 2, [JOB_METRICS.hoursPending]: 0 },
      }),
    ]);
  });

  it('starts no hour once the host’s timeout is too close, leaving the hours to the next run', async () => {
    // Prepare: a timeout already within the reserve.
    await storeBatch(new FileObjectStore(lake.url), 'batch-a', eventsAt('a', ['2026-11-20T09:10:00.000001Z']));
    const { context, lines } = invocation('kaudit-lake-compaction');

    // Act
    await azureCompactionHandler(dependencies(HOUR_RESERVE_MS - 1))(azureTimer('2026-12-03T10:05:00.000Z', '2026-12-03T11:05:00.000Z'), context);

    // Assess
    expect(await storedKeys(lake.url, COMPACTED_PREFIX)).toEqual([]);
    expect(lines()[0]).toMatchObject({ hoursCompacted: 0, pendingHours: 1 });
  });

  it('runs the analytics over the hour before the timer’s scheduled time and stores the findings', async () => {
    // Prepare
    await storeEvents(
      lake.url,
      requestsEvery('2026-11-20T10:20:00Z', 10, 25, (index, time) => ({ time, user: 'mallory@example.com', verb: 'create', name: `cm-${index}` })),
    );
    const { context, lines } = invocation('kaudit-lake-analytics');

    // Act
    await azureAnalyticsHandler({ ...dependencies(), baseDir: lake.root })(azureTimer('2026-11-20T11:15:00.000Z', '2026-11-20T12:15:00.000Z'), context);

    // Assess
    expect((await readRows(lake.url, FINDINGS_PREFIX)).map((finding) => finding.rule_title)).toContain('New Identity Making Many Changes');
    expect(lines()[0]).toMatchObject({ message: 'kaudit lake analytics run', since: '2026-11-20T10:00:00.000Z', until: '2026-11-20T11:00:00.000Z' });
  });

  it('fails the invocation, logging an error, when the lake is not configured', async () => {
    // Prepare
    const { context, lines } = invocation('kaudit-lake-compaction');

    // Act
    const running = azureCompactionHandler({ ...dependencies(), config: () => configFromEnv({}) })(azureTimer('2026-12-03T10:05:00.000Z', '2026-12-03T11:05:00.000Z'), context);

    // Assess
    await expect(running).rejects.toThrow('KAUDIT_STORE_URL is not set');
    expect(lines()[0]).toMatchObject({ message: 'kaudit lake compaction failed', error: expect.stringContaining('KAUDIT_STORE_URL') });
  });
});

describe('the Azure app’s function timeout', () => {
  it('is the one the compaction job keeps its deadline by', () => {
    // Act
    const host = JSON.parse(readFileSync(path.join(REPO_ROOT, 'infra/azure/host.json'), 'utf8')) as { functionTimeout: string };

    // Assess
    const [hours, minutes, seconds] = host.functionTimeout.split(':').map(Number) as [number, number, number];
    expect(((hours * 60 + minutes) * 60 + seconds) * 1000).toBe(AZURE_FUNCTION_TIMEOUT_MS);
  });
});
