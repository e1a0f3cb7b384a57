import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, type FilteredLogEvent, FilterLogEventsCommand, ThrottlingException } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { processBatch } from '../../../shared/pipeline/ingest-batch.ts';
import { CheckpointFile } from '../../../shared/runtime/checkpoint.ts';
import { progressOn } from '../../../shared/runtime/progress.ts';
import { BackfillSetupError, backfillEks, type EksBackfillDeps, type EksBackfillRequest } from '../../../shared/sources/cloudwatch/eks-backfill.ts';
import { decodeCloudWatchSubscription } from '../../../shared/sources/cloudwatch/subscription-envelope.ts';
import { openEventStore } from '../../../shared/store/open-store.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../../helpers/audit-events.ts';
import { readRows, storedKeys, temporaryFileStore } from '../../helpers/lake.ts';

const LOG_GROUP = '/aws/eks/prod-eu/cluster';
const STREAM = 'kube-apiserver-audit-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d';
const REQUEST: EksBackfillRequest = {
  cluster: 'prod-eu',
  region: 'eu-west-1',
  since: new Date('2026-11-20T00:00:00Z'),
  until: new Date('2026-11-21T00:00:00Z'),
  account: null,
};
const T = Date.parse('2026-11-20T14:03:07.420Z');

/** A log event as FilterLogEvents returns it, carrying an audit event. */
function logEvent(auditID: string, timestamp: number, eventId: string): FilteredLogEvent {
  return { logStreamName: STREAM, eventId, timestamp, ingestionTime: timestamp + 900, message: JSON.stringify(auditEvent({ auditID })) };
}

describe('backfillEks', () => {
  const cloudWatch = mockClient(CloudWatchLogsClient);
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let deps: EksBackfillDeps;
  let sleeps: number[];
  beforeEach(async () => {
    cloudWatch.reset();
    cloudWatch.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP, arn: `arn:aws:logs:eu-west-1:123456789012:log-group:${LOG_GROUP}:*` }] });
    lake = await temporaryFileStore();
    sleeps = [];
    deps = {
      client: new CloudWatchLogsClient({ region: 'eu-west-1' }),
      store: await openEventStore(lake.url),
      pipeline: { transforms: [] },
      limits: DEFAULT_LIMITS,
      checkpoint: new CheckpointFile(path.join(lake.root, 'checkpoint.json')),
      progress: progressOn(new PassThrough(), 'backfill prod-eu', { tty: false }),
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, sleep: async (ms) => void sleeps.push(ms) },
      now: () => new Date('2026-11-22T09:00:00.000Z'),
    };
  });
  afterEach(() => lake.cleanup());

  it('gives events the ids the subscription path gives the same log events', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' }), auditEvent({ auditID: 'a2', verb: 'get' })] });
    const subscription = processBatch(
      decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), { region: 'eu-west-1', ingestTime: '2026-11-20T14:05:00.000Z', limits: DEFAULT_LIMITS }),
    );
    const logEvents = (payload.logEvents as { id: string; timestamp: number; message: string }[]).map((event) => ({
      logStreamName: STREAM,
      eventId: event.id,
      timestamp: event.timestamp,
      message: event.message,
    }));
    cloudWatch.on(FilterLogEventsCommand).resolves({ events: logEvents });

    // Act
    await backfillEks(REQUEST, deps);

    // Assess
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => row.event_id).sort()).toEqual(subscription.events.map((event) => event.event_id).sort());
    expect(rows.map((row) => [row.cluster_id, row.source_type, row.source_stream])).toEqual([
      ['arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu', 'cloudwatch_api', `${LOG_GROUP}/${STREAM}`],
      ['arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu', 'cloudwatch_api', `${LOG_GROUP}/${STREAM}`],
    ]);
  });

  it('reads the audit streams of the cluster’s log group in the time range, page after page', async () => {
    // Prepare
    cloudWatch.on(FilterLogEventsCommand, { nextToken: undefined }).resolves({ events: [logEvent('a1', T, 'e1')], nextToken: 'page-2' });
    cloudWatch.on(FilterLogEventsCommand, { nextToken: 'page-2' }).resolves({ events: [logEvent('a2', T + 5, 'e2')] });

    // Act
    const summary = await backfillEks(REQUEST, deps);

    // Assess
    expect(summary).toMatchObject({ received: 2, written: 2 });
    expect(cloudWatch.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: LOG_GROUP, logStreamNamePrefix: 'kube-apiserver-audit', startTime: REQUEST.since.getTime(), endTime: REQUEST.until.getTime() - 1, nextToken: undefined },
      { logGroupName: LOG_GROUP, logStreamNamePrefix: 'kube-apiserver-audit', startTime: REQUEST.since.getTime(), endTime: REQUEST.until.getTime() - 1, nextToken: 'page-2' },
    ]);
  });

  it('stores each page as one batch per log stream', async () => {
    // Prepare
    const other = { ...logEvent('a2', T + 1, 'e2'), logStreamName: 'kube-apiserver-audit-0a1b2c3d4e5f60718293a4b5c6d7e8f9' };
    cloudWatch.on(FilterLogEventsCommand).resolves({ events: [logEvent('a1', T, 'e1'), other, logEvent('a3', T + 2, 'e3')] });

    // Act
    await backfillEks(REQUEST, deps);

    // Assess
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => [row.audit_id, row.source_record_id])).toEqual(
      expect.arrayContaining([
        ['a1', 'e1'],
        ['a2', 'e2'],
        ['a3', 'e3'],
      ]),
    );
    expect(await storedKeys(lake.url, 'events/v1/')).toHaveLength(2);
  });

  it('retries a throttled call with backoff and goes on', async () => {
    // Prepare
    cloudWatch
      .on(FilterLogEventsCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ events: [logEvent('a1', T, 'e1')] });

    // Act
    const summary = await backfillEks(REQUEST, deps);

    // Assess
    expect(summary.written).toBe(1);
    expect(sleeps).toHaveLength(2);
    expect(cloudWatch.commandCalls(FilterLogEventsCommand)).toHaveLength(3);
  });

  it('fails with the log group and the last error once throttling outlasts the retries', async () => {
    // Prepare
    cloudWatch.on(FilterLogEventsCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const run = backfillEks(REQUEST, deps);

    // Assess
    await expect(run).rejects.toThrow(`FilterLogEvents on ${LOG_GROUP} in eu-west-1 failed after page 0: ThrottlingException: Rate exceeded`);
    expect(cloudWatch.commandCalls(FilterLogEventsCommand)).toHaveLength(3);
  });

  it('resumes after the last stored page, neither skipping nor repeating events of the same millisecond', async () => {
    // Prepare: page 1 ends with e2 at T; page 2 (which fails the first run) holds e3, also at T.
    cloudWatch.on(FilterLogEventsCommand, { nextToken: undefined }).resolves({ events: [logEvent('a1', T - 10, 'e1'), logEvent('a2', T, 'e2')], nextToken: 'page-2' });
    cloudWatch.on(FilterLogEventsCommand, { nextToken: 'page-2' }).rejects(new Error('socket hang up'));
    await expect(backfillEks(REQUEST, deps)).rejects.toThrow('socket hang up');
    cloudWatch.reset();
    // From T, FilterLogEvents returns e2 again before e3 and e4.
    cloudWatch.on(FilterLogEventsCommand).resolves({ events: [logEvent('a2', T, 'e2'), logEvent('a3', T, 'e3'), logEvent('a4', T + 1, 'e4')] });

    // Act
    const resumed = await backfillEks({ ...REQUEST, account: '123456789012' }, deps);

    // Assess
    expect(cloudWatch.commandCalls(FilterLogEventsCommand).map((call) => [call.args[0].input.startTime, call.args[0].input.nextToken])).toEqual([[T, undefined]]);
    expect(resumed).toMatchObject({ received: 2, written: 2 });
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => row.audit_id).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('reads nothing when the checkpoint is already past --until', async () => {
    // Prepare
    await deps.checkpoint?.write({
      kind: 'kaudit-backfill-eks/1',
      logGroup: LOG_GROUP,
      region: 'eu-west-1',
      watermark: { timestamp: REQUEST.until.getTime() + 5, eventIds: ['e9'] },
      updatedAt: '2026-11-21T00:00:00.000Z',
    });

    // Act
    const summary = await backfillEks(REQUEST, deps);

    // Assess
    expect(summary.received).toBe(0);
    expect(cloudWatch.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });

  it('records the watermark in the checkpoint after each page', async () => {
    // Prepare
    cloudWatch.on(FilterLogEventsCommand).resolves({ events: [logEvent('a1', T, 'e1'), logEvent('a2', T, 'e2')] });

    // Act
    await backfillEks(REQUEST, deps);

    // Assess
    expect(await deps.checkpoint?.read()).toEqual({
      kind: 'kaudit-backfill-eks/1',
      logGroup: LOG_GROUP,
      region: 'eu-west-1',
      watermark: { timestamp: T, eventIds: ['e1', 'e2'] },
      updatedAt: '2026-11-22T09:00:00.000Z',
    });
  });

  it('takes the account from --account without looking up the log group', async () => {
    // Prepare
    cloudWatch.on(FilterLogEventsCommand).resolves({ events: [logEvent('a1', T, 'e1')] });

    // Act
    await backfillEks({ ...REQUEST, account: '210987654321' }, deps);

    // Assess
    expect(cloudWatch.commandCalls(DescribeLogGroupsCommand)).toHaveLength(0);
    expect((await readRows(lake.url, 'events/v1/'))[0]?.cluster_id).toBe('arn:aws:eks:eu-west-1:210987654321:cluster/prod-eu');
  });

  it('says how to enable audit logging when the log group does not exist', async () => {
    // Prepare
    cloudWatch
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: '/aws/eks/prod-eu/cluster-old', arn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/prod-eu/cluster-old:*' }] });

    // Act
    const run = backfillEks(REQUEST, deps);

    // Assess
    await expect(run).rejects.toThrow(BackfillSetupError);
    await expect(run).rejects.toThrow(/log group \/aws\/eks\/prod-eu\/cluster not found in eu-west-1: is the cluster's control-plane audit logging enabled/);
  });

  it('refuses a checkpoint of another cluster', async () => {
    // Prepare
    await deps.checkpoint?.write({
      kind: 'kaudit-backfill-eks/1',
      logGroup: '/aws/eks/staging/cluster',
      region: 'eu-west-1',
      watermark: null,
      updatedAt: '2026-11-21T00:00:00.000Z',
    });

    // Act
    const run = backfillEks(REQUEST, deps);

    // Assess
    await expect(run).rejects.toThrow(/the checkpoint is for \/aws\/eks\/staging\/cluster in eu-west-1, not \/aws\/eks\/prod-eu\/cluster in eu-west-1$/);
  });
});
