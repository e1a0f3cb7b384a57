/**
 * Firehose data-transformation events through kaudit's own transform: Powertools' events as
 * Firehose hands them to the function, and the OpenTelemetry Firehose receiver's `cwlog` files as
 * what they are upstream, the data of a Firehose record (gzip'ed by CloudWatch Logs, or already
 * decompressed by Firehose). None holds an EKS audit stream, so no record is answered Ok: every
 * recordId is answered exactly once, Dropped, and all its data holds is a skip counted by reason or
 * a quarantine record in the lake under its recordId. Nothing is lost, and when the lake cannot take
 * the quarantine records they go back to Firehose in the record's dead-letter document.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firehoseRecord, firehoseTransformationEvent } from '../helpers/audit-events.ts';
import { type CloudWatchPayload, expectedReasonsOf, type Reasons, sumReasons } from './expected-reasons.ts';
import { runTransform } from './firehose-run.ts';
import { listFixtures, readFixtureJson, readFixtureLines, readFixtureText } from './fixtures.ts';
import { expectSoundRun } from './pipeline-run.ts';
import { firehoseDataOf } from './spec-fields.ts';

/** A Firehose record's data must be CloudWatch Logs payloads: anything else is a bad payload. */
function expectedReasonsOfText(text: string): Reasons {
  const documents = text.split('\n').filter((line) => line.trim() !== '');
  return sumReasons(documents.map((document) => expectedReasonsOf(parseOrEmpty(document), 'invalid_payload')));
}

/** Text that is no JSON (Powertools' `Hello World`) is no CloudWatch payload either. */
function parseOrEmpty(text: string): CloudWatchPayload {
  try {
    return JSON.parse(text) as CloudWatchPayload;
  } catch {
    return {};
  }
}

/** `2 not_audit_stream, 1 invalid_payload`, for test names. */
const describeReasons = (reasons: Reasons) =>
  Object.entries(reasons)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');

const isCloudWatchPayload = (line: string) => parseOrEmpty(line).messageType !== undefined;

describe('Powertools Firehose transformation events', () => {
  interface PowertoolsEvent {
    records: { recordId: string; data: string }[];
  }
  // PutRecord's and a Kinesis stream source's records hold `Hello World` and `{"Hello": "World"}`; the SQS one an SQS message.
  const FILES = ['kinesisFirehosePutEvent.json', 'kinesisFirehoseKinesisEvent.json', 'kinesisFirehoseSQSEvent.json'].map((name) => `powertools-lambda-python/${name}`);

  it.each(FILES)('%s: answers each recordId exactly once, in order, Dropped: no record holds a CloudWatch Logs payload', async (file) => {
    // Prepare
    const event = readFixtureJson<PowertoolsEvent>(file);

    // Act
    const { outcome } = await runTransform(event);

    // Assess
    expect(outcome.response.records).toEqual(event.records.map(({ recordId }) => ({ recordId, result: 'Dropped' })));
  });

  it.each(FILES)('%s: counts each record once, by what its data holds, and writes no event', async (file) => {
    // Prepare
    const event = readFixtureJson<PowertoolsEvent>(file);
    const expected = sumReasons(event.records.map(({ data }) => expectedReasonsOfText(firehoseDataOf(data))));

    // Act
    const { run } = await runTransform(event);

    // Assess
    expectSoundRun(run);
    expect(run.events).toEqual([]);
    expect(run.summary.reasons).toEqual(expected);
  });

  it.each(FILES)('%s: stores each record in quarantine under its recordId, with its data as the record held it', async (file) => {
    // Prepare
    const event = readFixtureJson<PowertoolsEvent>(file);

    // Act
    const { run } = await runTransform(event);

    // Assess
    expect(run.quarantined.map((record) => [record.source_record_id, record.reason, record.raw])).toEqual(
      event.records.map(({ recordId, data }) => [recordId, 'invalid_payload', firehoseDataOf(data).trim()]),
    );
  });
});

describe('OpenTelemetry cwlog files as the data of a Firehose record', () => {
  const FILES = listFixtures('otel-awsfirehosereceiver-cwlog');
  const recordIdOf = (file: string) => path.basename(file);
  const recordOf = (file: string, compression: 'gzip' | 'none' = 'gzip') => firehoseRecord([readFixtureText(file)], { recordId: recordIdOf(file), compression });
  const expectedReasonsOfFile = (file: string) => expectedReasonsOfText(readFixtureText(file));

  /** [file, compression, what it holds]: CloudWatch Logs gzips its records; with Firehose's own decompression on, the data is the text. */
  const cases = FILES.flatMap((file) => (['gzip', 'none'] as const).map((compression) => [file, compression, describeReasons(expectedReasonsOfFile(file))] as const));

  it.each(cases)('%s (%s): the record is answered once, Dropped', async (file, compression) => {
    // Prepare
    const event = firehoseTransformationEvent([recordOf(file, compression)]);

    // Act
    const { outcome } = await runTransform(event);

    // Assess
    expect(outcome.response.records).toEqual([{ recordId: recordIdOf(file), result: 'Dropped' }]);
  });

  it.each(cases)('%s (%s): every log event and document is counted: %s', async (file, compression) => {
    // Prepare
    const event = firehoseTransformationEvent([recordOf(file, compression)]);

    // Act
    const { run } = await runTransform(event);

    // Assess
    expectSoundRun(run);
    expect(run.events).toEqual([]);
    expect(run.summary.reasons).toEqual(expectedReasonsOfFile(file));
  });

  const MULTI_PAYLOAD = FILES.filter((file) => readFixtureLines(file).length > 1);

  it.each(MULTI_PAYLOAD)('%s: payloads written back to back (`}{`) are all read, every log event counted', async (file) => {
    // Prepare
    const documents = readFixtureLines(file);
    const event = firehoseTransformationEvent([firehoseRecord(documents, { recordId: recordIdOf(file), separator: '' })]);

    // Act
    const { run } = await runTransform(event);

    // Assess
    expectSoundRun(run);
    expect(run.summary.reasons).toEqual(expectedReasonsOfFile(file));
  });

  const WITH_OTHER_JSON = FILES.filter((file) => !readFixtureLines(file).every(isCloudWatchPayload));

  it.each(WITH_OTHER_JSON)('%s: stores each document that is no CloudWatch payload in quarantine under the recordId, with its text', async (file) => {
    // Prepare
    const event = firehoseTransformationEvent([recordOf(file)]);

    // Act
    const { run } = await runTransform(event);

    // Assess
    const others = readFixtureLines(file).filter((line) => !isCloudWatchPayload(line));
    expect(run.quarantined.map((record) => [record.source_record_id, record.reason, record.raw])).toEqual(others.map((line) => [recordIdOf(file), 'invalid_payload', line]));
  });

  it.each(WITH_OTHER_JSON)('%s: when the lake refuses its quarantine records, they go back to Firehose in a dead-letter document', async (file) => {
    // Prepare
    const record = recordOf(file);
    const { run } = await runTransform(firehoseTransformationEvent([record]));

    // Act
    const { outcome } = await runTransform(firehoseTransformationEvent([record]), 'unavailable');

    // Assess
    const [answer, ...others] = outcome.response.records;
    expect(others).toEqual([]);
    expect(answer).toMatchObject({ recordId: record.recordId, result: 'Ok', metadata: { partitionKeys: { kind: 'deadletter' } } });
    const document = JSON.parse(Buffer.from((answer as { data: string }).data, 'base64').toString('utf8')) as { output: { quarantined: unknown[] } };
    expect(document.output.quarantined).toEqual(run.quarantined);
  });

  it('answers all the files as the records of one invocation, each once and in order, counting what each holds', async () => {
    // Prepare
    const event = firehoseTransformationEvent(FILES.map((file) => recordOf(file)));

    // Act
    const { outcome, run } = await runTransform(event);

    // Assess
    expect(outcome.response.records).toEqual(FILES.map((file) => ({ recordId: recordIdOf(file), result: 'Dropped' })));
    expect(run.summary.reasons).toEqual(sumReasons(FILES.map(expectedReasonsOfFile)));
  });
});
