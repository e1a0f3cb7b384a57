import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnalyticsHandler } from '../../functions/lake-analytics/handler.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { ANALYTICS } from '../../shared/detect/analytics.ts';
import { analyticsWindow, pruneCacheBefore } from '../../shared/detect/analytics-job.ts';
import { JOB_METRICS } from '../../shared/runtime/metric-names.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { FINDINGS_PREFIX } from '../../shared/store/layout.ts';
import { sigmaRule } from '../detection/detection-builders.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { capturedOutput, lambdaContext, schedulerInvocation } from '../helpers/lake-jobs.ts';
import { requestAt, requestsEvery, storeEvents } from './lake-builders.ts';

const eventBridge = mockClient(EventBridgeClient);
const BUS = 'arn:aws:events:eu-west-1:111122223333:event-bus/kaudit-findings';
/** Scheduled at 11:15: the window is 10:00 to 11:00. */
const SCHEDULED = '2026-11-20T11:15:00Z';
const LIST_SECRETS_RULE = sigmaRule(
  { selection: { verb: 'list', 'objectRef.resource': 'secrets' }, condition: 'selection' },
  { id: '0b7e1c55-3a0e-4d0f-9d43-6d1f1a2b3c4d', title: 'Secrets Listed', level: 'high' },
);

describe('the lake analytics function', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let output: ReturnType<typeof capturedOutput>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    output = capturedOutput('kaudit-lake-analytics');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    eventBridge.reset();
    await lake.cleanup();
  });

  const handler = (env: Record<string, string> = {}) =>
    createAnalyticsHandler({
      config: () => configFromEnv({ KAUDIT_STORE_URL: lake.url, ...env }),
      logger: output.logger,
      metrics: output.metrics,
      workDir: path.join(lake.root, 'tmp'),
      baseDir: lake.root,
    });

  /** A new identity's 25 creates, and a secrets listing, in the window; an earlier listing before it. */
  function windowActivity(): { creates: CanonicalEvent[]; listing: CanonicalEvent; earlier: CanonicalEvent } {
    return {
      creates: requestsEvery('2026-11-20T10:20:00Z', 10, 25, (index, time) => ({ time, user: 'mallory@example.com', verb: 'create', name: `cm-${index}` })),
      listing: requestAt({ time: '2026-11-20T10:40:00Z', user: 'alice@example.com', verb: 'list', resource: 'secrets' }),
      earlier: requestAt({ time: '2026-11-20T09:40:00Z', user: 'alice@example.com', verb: 'list', resource: 'secrets' }),
    };
  }

  it('stores the rules’ and the analytics’ findings of the hour before its schedule, and sends those at the alert level to the bus', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const { creates, listing, earlier } = windowActivity();
    await storeEvents(lake.url, [...creates, listing, earlier]);
    const env = { KAUDIT_RULES: JSON.stringify([LIST_SECRETS_RULE]), KAUDIT_ALERT_EVENT_BUS: BUS, KAUDIT_ALERT_LEVEL: 'high' };

    // Act
    const summary = await handler(env)(schedulerInvocation(SCHEDULED, 'kaudit-lake-analytics'), lambdaContext());

    // Assess
    const stored = await readRows(lake.url, FINDINGS_PREFIX);
    expect(stored.map((finding) => [finding.rule_id, finding.event_id]).sort()).toEqual(
      [
        [LIST_SECRETS_RULE.id, listing.event_id],
        [ANALYTICS.newIdentity.id, creates[19]?.event_id],
      ].sort(),
    );
    expect(summary).toEqual({ since: '2026-11-20T10:00:00.000Z', until: '2026-11-20T11:00:00.000Z', findings: 2, written: 2, duplicates: 0, alerted: 1 });
    const sent = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sent.map((entry) => JSON.parse(entry.Detail ?? '{}').event_id)).toEqual([listing.event_id]);
    expect(sent[0]).toMatchObject({ EventBusName: BUS, Source: 'kaudit', DetailType: 'kaudit finding' });
    expect(output.lines().find((line) => '_aws' in line)).toMatchObject({ [JOB_METRICS.findings]: 2, [JOB_METRICS.findingsStored]: 2, [JOB_METRICS.findingsAlerted]: 1 });
  });

  it('stores nothing twice when the schedule’s invocation is retried', async () => {
    // Prepare
    const { creates, listing } = windowActivity();
    await storeEvents(lake.url, [...creates, listing]);
    const invocation = schedulerInvocation(SCHEDULED, 'kaudit-lake-analytics');
    await handler()(invocation, lambdaContext());

    // Act
    const retried = await handler()({ ...invocation, attemptNumber: '2' }, lambdaContext());

    // Assess
    expect(retried).toMatchObject({ written: 0, duplicates: retried.findings });
    expect(await storedKeys(lake.url, FINDINGS_PREFIX)).toHaveLength(1);
  });

  it('runs the built-in pack when the deployment names no rules', async () => {
    // Prepare
    const anonymous = requestAt({ time: '2026-11-20T10:30:00Z', user: 'system:anonymous', verb: 'list', resource: 'secrets' });
    await storeEvents(lake.url, [anonymous]);

    // Act
    await handler()(schedulerInvocation(SCHEDULED, 'kaudit-lake-analytics'), lambdaContext());

    // Assess
    const stored = await readRows(lake.url, FINDINGS_PREFIX);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((finding) => finding.rule_source === 'analytics' || String(finding.rule_source).startsWith('built-in/'))).toBe(true);
  });

  it('fails the invocation when the alert bus refuses the findings, so that Scheduler’s retry sends them again', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const { listing } = windowActivity();
    await storeEvents(lake.url, [listing]);

    // Act
    const invoking = handler({ KAUDIT_RULES: JSON.stringify([LIST_SECRETS_RULE]), KAUDIT_ALERT_EVENT_BUS: BUS })(schedulerInvocation(SCHEDULED), lambdaContext());

    // Assess
    await expect(invoking).rejects.toThrow('1 of 1 findings not accepted (InternalFailure)');
    expect(output.lines().find((line) => line.message === 'kaudit lake analytics failed')).toMatchObject({ level: 'ERROR', scheduledTime: '2026-11-20T11:15:00.000Z' });
  });
});

describe('the analytics job’s cache', () => {
  it('drops the days before the lake range it reads, of both tiers and the quarantine, and keeps the rest', async () => {
    // Prepare
    const cache = await temporaryFileStore();
    const days = ['events/v1/dt=2026-11-05', 'events/v1/dt=2026-11-06', 'compacted/v1/dt=2026-11-05', 'quarantine/v1/dt=2026-11-05', 'findings/v1/dt=2026-11-05'];
    for (const day of days) await mkdir(path.join(cache.root, day, 'hour=10'), { recursive: true });

    try {
      // Act
      await pruneCacheBefore(cache.root, new Date('2026-11-06T10:00:00Z'));

      // Assess
      expect(days.filter((day) => existsSync(path.join(cache.root, day)))).toEqual(['events/v1/dt=2026-11-06', 'findings/v1/dt=2026-11-05']);
    } finally {
      await cache.cleanup();
    }
  });
});

describe('the analytics window', () => {
  it('is the hour before the one the run was scheduled in, or as long as configured', () => {
    expect(analyticsWindow(new Date('2026-11-20T11:15:42Z'), 3_600_000)).toEqual({ since: new Date('2026-11-20T10:00:00Z'), until: new Date('2026-11-20T11:00:00Z') });
    expect(analyticsWindow(new Date('2026-11-20T00:05:00Z'), 6 * 3_600_000)).toEqual({ since: new Date('2026-11-19T18:00:00Z'), until: new Date('2026-11-20T00:00:00Z') });
  });
});
