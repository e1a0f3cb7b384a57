import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvocationContext } from '@azure/functions';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEksHandler } from '../../functions/eks-cloudwatch/handler.ts';
import { emptyBatch } from '../../shared/core/decoded-batch.ts';
import { emptySummary } from '../../shared/core/ingest-summary.ts';
import { metricValues, storedReport } from '../../shared/runtime/invocation-report.ts';
import { METRIC_NAMESPACE, METRICS } from '../../shared/runtime/metric-names.ts';
import type { ObjectStore } from '../../shared/store/object-store.ts';
import { aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody, INGEST_TIME, sourceRecord } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { FAULTS, FaultyObjectStore } from './helpers/faulty-object-store.ts';
import { aksFunction, testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

/** Two events and one line that is not JSON; CloudWatch stamped the newest 14:03:07.422, ingest is at 14:05:00.000. */
const EKS_EVENT = cloudWatchSubscriptionEvent(
  cloudWatchPayload({ events: [auditEvent({ auditID: 'a-1' }), auditEvent({ auditID: 'a-2' }), 'not json'] }),
) as unknown as CloudWatchLogsEvent;

describe('the EKS function’s metrics', () => {
  let output: string[];
  beforeEach(() => {
    output = [];
    // Powertools writes EMF and log lines straight to the process streams (errors to stderr).
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        output.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  const eksHandler = (objects: ObjectStore = new MemoryObjectStore()) =>
    createEksHandler({
      runtime: async () => testRuntime(objects, 'eu-west-1'),
      logger: new Logger({ serviceName: 'kaudit-eks-cloudwatch' }),
      metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'kaudit-eks-cloudwatch' }),
    });
  const emfLines = () => output.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => '_aws' in line);

  it('publishes one EMF line per invocation with every metric name, its unit and value, by service and cluster', async () => {
    // Act
    await eksHandler()(EKS_EVENT, { awsRequestId: 'request-1' } as Context);

    // Assess
    const [line, ...others] = emfLines();
    expect(others).toEqual([]);
    expect(line).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'kaudit', Dimensions: [['service', 'cluster']] }] },
      service: 'kaudit-eks-cloudwatch',
      cluster: 'prod-eu',
      [METRICS.received]: 3,
      [METRICS.written]: 2,
      [METRICS.duplicates]: 0,
      [METRICS.skipped]: 0,
      [METRICS.quarantined]: 1,
      [METRICS.deadLettered]: 0,
      [METRICS.ingestLagSeconds]: 112.578,
    });
    const declared = (line?._aws as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] } | undefined)?.CloudWatchMetrics[0]?.Metrics;
    expect(declared).toEqual([
      { Name: 'Received', Unit: 'Count' },
      { Name: 'Written', Unit: 'Count' },
      { Name: 'Duplicates', Unit: 'Count' },
      { Name: 'Skipped', Unit: 'Count' },
      { Name: 'Quarantined', Unit: 'Count' },
      { Name: 'DeadLettered', Unit: 'Count' },
      { Name: 'IngestLagSeconds', Unit: 'Seconds' },
    ]);
  });

  it('publishes no metrics for a batch it could not store, and logs an error naming the batch', async () => {
    // Act
    const attempt = eksHandler(new FaultyObjectStore(new MemoryObjectStore(), FAULTS.always()))(EKS_EVENT, { awsRequestId: 'request-1' } as Context);

    // Assess
    await expect(attempt).rejects.toThrow(/^batch cwl-[0-9a-f]+ was not stored \(Lambda retries it, then sends it to the on-failure destination\): injected fault/);
    expect(emfLines()).toEqual([]);
    const logged = output.map((line) => JSON.parse(line) as { level: string; message: string; error?: { message: string } });
    expect(logged).toMatchObject([{ level: 'ERROR', message: 'kaudit batch not stored', error: { message: expect.stringMatching(/^batch cwl-/) } }]);
  });
});

describe('the AKS function’s metrics line', () => {
  const BODIES = [JSON.stringify(eventHubBody([aksRecord(auditEvent({ auditID: 'a-1' })), aksRecord(auditEvent({ auditID: 'a-1' }))]))];

  async function metricsLineOf(objects: ObjectStore): Promise<Record<string, unknown>> {
    const lines: string[] = [];
    const context = new InvocationContext({
      invocationId: 'invocation-1',
      triggerMetadata: triggerMetadataFor(BODIES, 7) as Record<string, unknown>,
      retryContext: { retryCount: 8, maxRetryCount: 8 },
      logHandler: (_level, ...args) => lines.push(args.join(' ')),
    });
    await aksFunction(testRuntime(objects, 'westeurope'), new MemoryObjectStore())(BODIES, context);
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === 'kaudit invocation metrics') ?? {};
  }

  it('logs the same names as the EMF metrics, with the lag from the newest record time', async () => {
    // Act
    const line = await metricsLineOf(new MemoryObjectStore());

    // Assess
    expect(line).toEqual({
      message: 'kaudit invocation metrics',
      namespace: 'kaudit',
      invocationId: 'invocation-1',
      batchKey: expect.stringMatching(/^eh-[0-9a-f]+-p3-7-7$/),
      cluster: 'aks-weu-prod',
      metrics: { Received: 2, Written: 1, Duplicates: 1, Skipped: 0, Quarantined: 0, DeadLettered: 0, IngestLagSeconds: 112.569877 },
    });
  });

  it('counts a dead-lettered batch as received and dead-lettered, nothing else', async () => {
    // Act
    const line = await metricsLineOf(new FaultyObjectStore(new MemoryObjectStore(), FAULTS.always()));

    // Assess
    expect(line.metrics).toMatchObject({ Received: 2, Written: 0, Duplicates: 0, Skipped: 0, Quarantined: 0, DeadLettered: 2 });
  });
});

describe('metricValues', () => {
  it.each([
    ['leaves the lag out when no record has a source time', null, undefined],
    ['reports no negative lag when the source clock runs ahead', '2026-11-20T14:06:00.000Z', 0],
    ['keeps the source’s sub-millisecond digits', '2026-11-20T14:04:59.999999Z', 0.000001],
  ])('%s', (_name, sourceTime, lag) => {
    // Prepare
    const batch = { ...emptyBatch('batch'), records: [sourceRecord(auditEvent(), { source_time: sourceTime })] };

    // Act
    const values = metricValues(storedReport(batch, emptySummary(), INGEST_TIME));

    // Assess
    expect(values[METRICS.ingestLagSeconds]).toBe(lag);
  });

  it('names no cluster for a batch from several', () => {
    // Prepare
    const records = [sourceRecord(auditEvent(), { cluster_name: 'a' }), sourceRecord(auditEvent(), { cluster_name: 'b' })];

    // Act
    const report = storedReport({ ...emptyBatch('batch'), records }, emptySummary(), INGEST_TIME);

    // Assess
    expect(report.cluster).toBeNull();
  });
});
