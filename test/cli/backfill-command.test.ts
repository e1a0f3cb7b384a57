import { PassThrough, Readable } from 'node:stream';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../shared/cli/cli-io.ts';
import { backfillAksCommand, type ConsumerFactory } from '../../shared/cli/commands/backfill.ts';
import { aksRecord, auditEvent, eventHubBody } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { FakeEventHub } from '../sources/eventhub/fake-event-hub.ts';

const LOG_GROUP = '/aws/eks/prod-eu/cluster';
const STREAM = 'kube-apiserver-audit-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d';

describe('kaudit backfill eks', () => {
  const cloudWatch = mockClient(CloudWatchLogsClient);
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    cloudWatch.reset();
    cloudWatch.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP, arn: `arn:aws:logs:eu-west-1:123456789012:log-group:${LOG_GROUP}:*` }] });
    cloudWatch.on(FilterLogEventsCommand).resolves({
      events: [{ logStreamName: STREAM, eventId: 'e1', timestamp: Date.parse('2026-11-20T14:03:07.420Z'), message: JSON.stringify(auditEvent()) }],
    });
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('stores the events, prints the summary and reports progress on stderr', async () => {
    // Act
    const run = await runKaudit(
      ['backfill', 'eks', '--cluster', 'prod-eu', '--region', 'eu-west-1', '--since', '2026-11-20', '--until', '2026-11-21', '--store', lake.url, '--json'],
      { cwd: lake.root },
    );

    // Assess
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ received: 1, written: 1, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
    expect(run.stderr).toBe('backfill prod-eu: 58% at 2026-11-20T14:03:07.420Z, 1 events, 1 page\nbackfill prod-eu: 100% at 2026-11-20T14:03:07.420Z, 1 events, 1 page\n');
    expect(await readRows(lake.url, 'events/v1/')).toHaveLength(1);
  });

  it('keeps a checkpoint where --checkpoint says', async () => {
    // Act
    await runKaudit(
      [
        'backfill',
        'eks',
        '--cluster',
        'prod-eu',
        '--region',
        'eu-west-1',
        '--since',
        '2026-11-20',
        '--until',
        '2026-11-21',
        '--store',
        lake.url,
        '--checkpoint',
        'prod-eu.checkpoint.json',
      ],
      { cwd: lake.root },
    );

    // Assess
    const { CheckpointFile } = await import('../../shared/runtime/checkpoint.ts');
    expect(await new CheckpointFile(`${lake.root}/prod-eu.checkpoint.json`).read()).toMatchObject({ logGroup: LOG_GROUP, watermark: { eventIds: ['e1'] } });
  });

  it('exits 2 without a region', async () => {
    // Act
    const run = await runKaudit(['backfill', 'eks', '--cluster', 'prod-eu', '--since', '7d', '--store', lake.url], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('kaudit: backfill eks needs --region (or AWS_REGION): the cluster id is arn:aws:eks:<region>:<account>:cluster/<name>\n');
  });

  it('exits 2 on a --since that is not a time', async () => {
    // Act
    const run = await runKaudit(['backfill', 'eks', '--cluster', 'prod-eu', '--region', 'eu-west-1', '--since', 'yesterday', '--store', lake.url], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^kaudit: --since: "yesterday" is not a time/);
  });

  it('exits 2 when the cluster has no audit log group', async () => {
    // Prepare
    cloudWatch.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });

    // Act
    const run = await runKaudit(['backfill', 'eks', '--cluster', 'prod-eu', '--region', 'eu-west-1', '--since', '7d', '--store', lake.url], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('kaudit: log group /aws/eks/prod-eu/cluster not found in eu-west-1');
  });
});

describe('kaudit backfill aks', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  function io(env: NodeJS.ProcessEnv): CliIo & { out: () => string } {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    return { stdout, stderr: new PassThrough(), stdin: Readable.from([]), env, cwd: lake.root, out: () => out };
  }

  it('reads with the connection string from the environment and closes the client', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [{ body: JSON.stringify(eventHubBody([aksRecord(auditEvent())])), enqueuedTime: '2026-11-20T01:00:00Z' }] });
    const opened: unknown[][] = [];
    const factory: ConsumerFactory = async (...args) => {
      opened.push(args);
      return hub;
    };
    const cli = io({ KAUDIT_EVENTHUB_CONNECTION_STRING: 'Endpoint=sb://kaudit-prod.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0' });

    // Act
    const exitCode = await backfillAksCommand({ namespace: 'kaudit-prod', hub: 'aks-audit', consumerGroup: '$Default', since: '2026-11-20', store: lake.url }, cli, factory);

    // Assess
    expect(exitCode).toBe(0);
    expect(cli.out()).toBe('1 received: 1 written, 0 duplicates, 0 skipped, 0 quarantined\n');
    expect(opened).toEqual([
      ['kaudit-prod.servicebus.windows.net', 'aks-audit', '$Default', 'Endpoint=sb://kaudit-prod.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0'],
    ]);
    expect(hub.closed).toBe(true);
  });

  it('exits 1 when a record was quarantined', async () => {
    // Prepare
    const hub = new FakeEventHub({ '0': [{ body: 'not json', enqueuedTime: '2026-11-20T01:00:00Z' }] });

    // Act
    const exitCode = await backfillAksCommand(
      { namespace: 'kaudit-prod.servicebus.windows.net', hub: 'aks-audit', consumerGroup: '$Default', since: '2026-11-20', store: lake.url },
      io({}),
      async () => hub,
    );

    // Assess
    expect(exitCode).toBe(1);
    expect(await readRows(lake.url, 'quarantine/v1/')).toMatchObject([{ reason: 'invalid_payload', raw: 'not json' }]);
  });
});
