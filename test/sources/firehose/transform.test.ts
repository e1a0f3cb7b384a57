import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { processBatch } from '../../../shared/pipeline/ingest-batch.ts';
import { buildPipelineOptions } from '../../../shared/pipeline/pipeline-options.ts';
import type { FunctionRuntime } from '../../../shared/runtime/function-runtime.ts';
import { decodeCloudWatchPayload } from '../../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import type { FirehoseResultRecord } from '../../../shared/sources/firehose/firehose-event.ts';
import { transformFirehoseEvent } from '../../../shared/sources/firehose/transform-runtime.ts';
import type { EventStore } from '../../../shared/store/event-store.ts';
import { StoreError } from '../../../shared/store/object-store.ts';
import { openEventStore } from '../../../shared/store/open-store.ts';
import { auditEvent, cloudWatchPayload, firehoseRecord, firehoseTransformationEvent } from '../../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';

const INGEST_TIME = '2026-11-20T14:05:00.000Z';

const DEFAULT_PIPELINE = await buildPipelineOptions({});

function runtimeWith(store: EventStore): FunctionRuntime {
  return { store, limits: DEFAULT_LIMITS, pipeline: DEFAULT_PIPELINE, region: 'eu-west-1', now: () => new Date(INGEST_TIME) };
}

/** The canonical events an Ok answer carries. */
function rowsOf(answer: FirehoseResultRecord | undefined): Record<string, unknown>[] {
  if (answer?.result !== 'Ok') throw new Error(`expected an Ok answer, got ${answer?.result}`);
  return Buffer.from(answer.data, 'base64')
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const failingStore: EventStore = {
  url: 'memory://unavailable',
  writeEvents: () => Promise.reject(new StoreError('lake unavailable', 'events/v1/x')),
  writeQuarantine: () => Promise.reject(new StoreError('lake unavailable', 'quarantine/v1/x')),
  writeFindings: () => Promise.reject(new StoreError('lake unavailable', 'findings/v1/x')),
};

const control = cloudWatchPayload({ messageType: 'CONTROL_MESSAGE', logGroup: '', logStream: '', events: ['CWL CONTROL MESSAGE: Checking health of destination Firehose.'] });

/** An audit event whose stage ends at `time` (ISO), in the hour that partitions it. */
function eventAt(auditID: string, time: string) {
  return auditEvent({ auditID, requestReceivedTimestamp: time, stageTimestamp: time });
}

describe('transformFirehoseEvent', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let runtime: FunctionRuntime;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    runtime = runtimeWith(await openEventStore(lake.url));
  });
  afterEach(() => lake.cleanup());

  it('answers every record exactly once, in order', async () => {
    // Prepare
    const event = firehoseTransformationEvent([
      firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })], { recordId: 'r1' }),
      firehoseRecord([control], { recordId: 'r2' }),
      { recordId: 'r3', approximateArrivalTimestamp: 1_795_701_788_000, data: '%%%' },
    ]);

    // Act
    const { response, counts } = await transformFirehoseEvent(event, runtime);

    // Assess
    expect(response.records.map((record) => [record.recordId, record.result])).toEqual([
      ['r1', 'Ok'],
      ['r2', 'Dropped'],
      ['r3', 'Dropped'],
    ]);
    expect(counts).toEqual({ ok: 1, dropped: 2, deadLettered: 0, spilledEvents: 0 });
  });

  it('answers Ok with the canonical events as NDJSON, partitioned by their hour', async () => {
    // Prepare
    const event = firehoseTransformationEvent([
      firehoseRecord([cloudWatchPayload({ events: [eventAt('a1', '2026-11-20T14:03:07.419876Z'), eventAt('a2', '2026-11-20T14:59:59.999999Z')] })]),
    ]);

    // Act
    const { response } = await transformFirehoseEvent(event, runtime);

    // Assess
    const answer = response.records[0];
    expect(answer).toMatchObject({ result: 'Ok', metadata: { partitionKeys: { kind: 'events', dt: '2026-11-20', hour: '14' } } });
    expect(rowsOf(answer).map((row) => [row.audit_id, row.source_type])).toEqual([
      ['a1', 'firehose'],
      ['a2', 'firehose'],
    ]);
    expect(
      Buffer.from((answer as { data: string }).data, 'base64')
        .toString('utf8')
        .endsWith('}\n'),
    ).toBe(true);
  });

  it('gives events the ids the subscription path gives them', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' }), auditEvent({ auditID: 'a2', verb: 'get' })] });
    const subscription = processBatch(decodeCloudWatchPayload(payload, { region: 'eu-west-1', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS }));

    // Act
    const { response } = await transformFirehoseEvent(firehoseTransformationEvent([firehoseRecord([payload])]), runtime);

    // Assess
    expect(rowsOf(response.records[0]).map((row) => row.event_id)).toEqual(subscription.events.map((event) => event.event_id));
  });

  it('drops a record of control messages and stores nothing', async () => {
    // Prepare
    const event = firehoseTransformationEvent([firehoseRecord([control, control])]);

    // Act
    const { response, summary } = await transformFirehoseEvent(event, runtime);

    // Assess
    expect(response.records).toEqual([{ recordId: event.records[0]?.recordId, result: 'Dropped' }]);
    expect(summary).toMatchObject({ received: 2, skipped: 2, reasons: { control_message: 2 } });
    expect(await readRows(lake.url, '')).toEqual([]);
  });

  it('writes the events of a later hour to their own partition in the lake', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [eventAt('a1', '2026-11-20T14:59:59.900000Z'), eventAt('a2', '2026-11-20T15:00:00.100000Z')] });

    // Act
    const { response, summary, counts } = await transformFirehoseEvent(firehoseTransformationEvent([firehoseRecord([payload])]), runtime);

    // Assess
    expect(response.records[0]).toMatchObject({ result: 'Ok', metadata: { partitionKeys: { kind: 'events', dt: '2026-11-20', hour: '14' } } });
    expect(rowsOf(response.records[0]).map((row) => row.audit_id)).toEqual(['a1']);
    const stored = await readRows(lake.url, 'events/v1/dt=2026-11-20/hour=15/');
    expect(stored.map((row) => row.audit_id)).toEqual(['a2']);
    expect(counts.spilledEvents).toBe(1);
    expect(summary).toMatchObject({ received: 2, written: 2 });
  });

  it('writes quarantine records to the lake and drops a record that has nothing else', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: ['{"kind":"Event","auditID":'] });

    // Act
    const { response, summary } = await transformFirehoseEvent(firehoseTransformationEvent([firehoseRecord([payload])]), runtime);

    // Assess
    expect(response.records[0]?.result).toBe('Dropped');
    expect(summary).toMatchObject({ received: 1, quarantined: 1 });
    const quarantined = await readRows(lake.url, 'quarantine/v1/');
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ source_type: 'firehose', raw: '{"kind":"Event","auditID":' });
  });

  it('answers Ok with a dead-letter document for the lake’s deadletter/ folder when the lake rejects a write the record needs', async () => {
    // Prepare
    const record = firehoseRecord([cloudWatchPayload({ events: ['not an audit event'] })], { recordId: 'r1' });

    // Act
    const outcome = await transformFirehoseEvent(firehoseTransformationEvent([record]), runtimeWith(failingStore));

    // Assess
    const [answer] = outcome.response.records;
    expect(answer).toMatchObject({ recordId: 'r1', result: 'Ok', metadata: { partitionKeys: { kind: 'deadletter', dt: '2026-11-20', hour: '14' } } });
    const lines = Buffer.from((answer as { data: string }).data, 'base64')
      .toString('utf8')
      .split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      kind: 'kaudit.deadletter/v2',
      source: 'firehose',
      firehose: { recordId: 'r1', approximateArrivalTimestamp: record.approximateArrivalTimestamp },
      error: { name: 'StoreError', message: 'lake unavailable' },
      output: { events: [], quarantined: [{ reason: 'invalid_json', source_record_id: 'r1:0' }], summary: { received: 1, quarantined: 1 } },
    });
    expect(outcome.counts).toMatchObject({ ok: 0, deadLettered: 1 });
    expect(outcome.deadLettered).toEqual([{ recordId: 'r1', error: 'lake unavailable' }]);
  });

  it('puts every event of the record in its dead-letter document, also those of the hour an Ok answer would have carried', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [eventAt('a1', '2026-11-20T14:59:59.900000Z'), eventAt('a2', '2026-11-20T15:00:00.100000Z')] });

    // Act
    const { response } = await transformFirehoseEvent(firehoseTransformationEvent([firehoseRecord([payload])]), runtimeWith(failingStore));

    // Assess
    const document = JSON.parse(Buffer.from((response.records[0] as { data: string }).data, 'base64').toString('utf8')) as { output: { events: { audit_id: string }[] } };
    expect(document.output.events.map((event) => event.audit_id)).toEqual(['a1', 'a2']);
  });

  it('fails the invocation, for Firehose to retry it, when a dead-letter document does not fit the response', async () => {
    // Prepare: the events don't fit the response, so they are written directly, and that write fails.
    const record = firehoseRecord([cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' })] })], { recordId: 'r1' });

    // Act
    const transform = transformFirehoseEvent(firehoseTransformationEvent([record]), runtimeWith(failingStore), 1024);

    // Assess
    await expect(transform).rejects.toThrow(/^Firehose record r1: the lake write failed \(lake unavailable\) and its dead-letter document \(\d+ bytes\) does not fit the response/);
  });

  it('needs no lake write for a record whose events all fit one hour', async () => {
    // Prepare
    const record = firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })]);

    // Act
    const { response } = await transformFirehoseEvent(firehoseTransformationEvent([record]), runtimeWith(failingStore));

    // Assess
    expect(response.records[0]?.result).toBe('Ok');
  });

  it('writes events to the lake directly when their Ok answer would not fit the response limit', async () => {
    // Prepare
    const event = firehoseTransformationEvent([
      firehoseRecord([cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' })] })], { recordId: 'r1' }),
      firehoseRecord([cloudWatchPayload({ events: [auditEvent({ auditID: 'a2' })] })], { recordId: 'r2' }),
    ]);
    const limit = 1024;

    // Act
    const { response, counts } = await transformFirehoseEvent(event, runtime, limit);

    // Assess
    expect(response.records).toEqual([
      { recordId: 'r1', result: 'Dropped' },
      { recordId: 'r2', result: 'Dropped' },
    ]);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(limit);
    expect((await readRows(lake.url, 'events/v1/')).map((row) => row.audit_id).sort()).toEqual(['a1', 'a2']);
    expect(counts.spilledEvents).toBe(2);
  });

  it('keeps a response of more than 6 MB of events under the Lambda limit, losing none', async () => {
    // Prepare: audit events compress ~1000:1 here, so 1 MB of input would become far more than 6 MB of output.
    const large = (auditID: string) => auditEvent({ auditID, level: 'Request', requestObject: { data: 'x'.repeat(60_000) } });
    const records = Array.from({ length: 30 }, (_, record) =>
      firehoseRecord([cloudWatchPayload({ events: Array.from({ length: 5 }, (_, index) => large(`r${record}-e${index}`)) })], { recordId: `r${record}` }),
    );

    // Act
    const { response, counts } = await transformFirehoseEvent(firehoseTransformationEvent(records), runtime);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(response.records.map((record) => record.recordId)).toEqual(records.map((record) => record.recordId));
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.dropped).toBeGreaterThan(0);
    const delivered = response.records.filter((record) => record.result === 'Ok').flatMap((record) => rowsOf(record));
    const direct = await readRows(lake.url, 'events/v1/');
    expect(delivered.length + direct.length).toBe(150);
    expect(new Set([...delivered, ...direct].map((row) => row.audit_id)).size).toBe(150);
  });

  it('refuses an event that is not a transformation event, naming what is missing', async () => {
    // Act
    const transform = transformFirehoseEvent({ records: [{ data: 'e30=' }] }, runtime);

    // Assess
    await expect(transform).rejects.toThrow(/^not a Firehose data-transformation event: records\.0\.recordId: /);
  });
});
