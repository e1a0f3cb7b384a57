import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { decodeInput } from '../../../shared/sources/input-formats.ts';
import { aksRecord, auditEvent, cloudWatchPayload, eventHubBody, firehoseRecord, firehoseTransformationEvent } from '../../helpers/audit-events.ts';
import { runKaudit } from '../../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';

const context = { name: 'input.json', region: null, clusterName: null, clusterId: null, ingestTime: '2026-11-20T14:05:00.000Z', limits: DEFAULT_LIMITS };

describe('kaudit ingest of Firehose documents', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('recognises a transformation event, though it holds records as an Event Hubs body does', () => {
    // Prepare
    const event = firehoseTransformationEvent([firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })], { recordId: 'r1' })]);

    // Act
    const detected = decodeInput(Buffer.from(JSON.stringify(event)), context);

    // Assess
    expect(detected).toMatchObject({ format: 'firehose-transformation-event' });
  });

  it('still reads an Event Hubs body as one', () => {
    // Act
    const detected = decodeInput(Buffer.from(JSON.stringify(eventHubBody([aksRecord(auditEvent())]))), context);

    // Assess
    expect(detected).toMatchObject({ format: 'eventhub-body' });
  });

  it('stores a transformation event’s events as the Lambda would emit them, with the event’s region', async () => {
    // Prepare
    const event = firehoseTransformationEvent([firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })], { recordId: 'r1' })]);
    await writeFile(path.join(lake.root, 'invocation.json'), JSON.stringify(event));

    // Act
    const run = await runKaudit(['ingest', '--store', lake.url, '--json', 'invocation.json'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(0);
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => [row.source_type, row.source_record_id, row.cluster_id])).toEqual([['firehose', 'r1:0', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu']]);
  });

  it('quarantines a record of a transformation event that has no data', async () => {
    // Prepare
    const event = { ...firehoseTransformationEvent([]), records: [{ recordId: 'r1' }] };

    // Act
    const detected = decodeInput(Buffer.from(JSON.stringify(event)), context);

    // Assess
    expect(detected).toMatchObject({
      batches: [{ records: [], quarantined: [{ reason: 'invalid_payload', source_record_id: 'r1', detail: 'Firehose record r1: expected {recordId, data: "<base64>"}' }] }],
    });
  });

  it('replays the records Firehose left under its error prefix', async () => {
    // Prepare
    const failed = (auditID: string) => ({
      attemptsMade: 1,
      arrivalTimestamp: 1_795_701_788_000,
      errorCode: 'Lambda.ProcessingFailed',
      errorMessage: 'The record was not processed successfully.',
      attemptEndingTimestamp: 1_795_701_790_000,
      rawData: firehoseRecord([cloudWatchPayload({ events: [auditEvent({ auditID })] })]).data,
      lambdaArn: 'arn:aws:lambda:eu-west-1:123456789012:function:kaudit-eks-firehose:$LATEST',
    });
    await writeFile(path.join(lake.root, 'processing-failed'), `${JSON.stringify(failed('a1'))}\n${JSON.stringify(failed('a2'))}\n`);

    // Act
    const run = await runKaudit(['ingest', '--store', lake.url, '--region', 'eu-west-1', 'processing-failed'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(0);
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => [row.audit_id, row.source_type]).sort()).toEqual([
      ['a1', 'firehose'],
      ['a2', 'firehose'],
    ]);
  });
});
