/**
 * CloudWatch Logs envelopes from Powertools, Datadog and the OpenTelemetry Firehose receiver (its
 * `cwlog` files read here as the JSON lines `kaudit ingest` accepts; firehose.test.ts reads them as
 * Firehose record data). None of them comes from an EKS audit stream, so kaudit must pass over
 * every log event on purpose, counted by reason (control message, non-audit stream), and
 * quarantine what is not CloudWatch at all, losing nothing.
 */
import { describe, expect, it } from 'vitest';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { type CloudWatchPayload, expectedReasonsOf, sumReasons } from './expected-reasons.ts';
import { listFixtures, readFixtureJson, readFixtureLines, readFixtureText } from './fixtures.ts';
import { DECODER_CONTEXT, expectSoundRun, runFixture, runPipeline } from './pipeline-run.ts';
import { subscriptionPayloadOf } from './spec-fields.ts';

const payloadOf = (data: string) => subscriptionPayloadOf(data) as CloudWatchPayload;

/** `kaudit ingest` reads a JSON line that is no envelope as an audit event line: other JSON is no audit event. */
const ingestReasonsOf = (document: CloudWatchPayload) => expectedReasonsOf(document, 'not_audit_event');

/** One payload per file, or (as the Firehose receiver's data) payloads and other JSON one per line. */
function documentsOf(file: string): CloudWatchPayload[] {
  const text = readFixtureText(file);
  try {
    const document = JSON.parse(text) as CloudWatchPayload & { awslogs?: { data: string } };
    return [document.awslogs ? payloadOf(document.awslogs.data) : document];
  } catch {
    return readFixtureLines(file).map((line) => JSON.parse(line) as CloudWatchPayload);
  }
}

const FILES = [
  'powertools-lambda-python/cloudWatchLogEvent.json',
  // Same payload, zlib-compressed, with the optional policyLevel.
  'powertools-lambda-python/cloudWatchLogEventWithPolicyLevel.json',
  ...listFixtures('datadog-serverless-functions'),
  ...listFixtures('otel-awsfirehosereceiver-cwlog'),
];

describe('CloudWatch Logs payloads from non-audit streams', () => {
  it.each(FILES)('%s: every log event is skipped or quarantined by reason, no event written', (file) => {
    // Prepare
    const expected = sumReasons(documentsOf(file).map(ingestReasonsOf));

    // Act
    const run = runFixture(file);

    // Assess
    expectSoundRun(run);
    expect(run.events).toEqual([]);
    expect(run.summary.reasons).toEqual(expected);
  });

  it('skips the Firehose health check as a control message', () => {
    // Act
    const run = runFixture('otel-awsfirehosereceiver-cwlog/only_control');

    // Assess
    expect(run.summary).toMatchObject({ received: 1, skipped: 1, quarantined: 0, reasons: { control_message: 1 } });
  });

  it('quarantines the JSON lines that are not CloudWatch payloads as not audit events, keeping each line', () => {
    // Prepare
    const file = 'otel-awsfirehosereceiver-cwlog/invalid_records';

    // Act
    const run = runFixture(file);

    // Assess
    expect(run.quarantined.map((record) => [record.reason, record.raw])).toEqual(readFixtureLines(file).map((line) => ['not_audit_event', line]));
  });
});

describe('Kinesis Data Streams records of a CloudWatch Logs subscription', () => {
  const records = readFixtureJson<{ Records: { kinesis: { data: string } }[] }>('powertools-lambda-python/kinesisStreamCloudWatchLogsEvent.json').Records;

  it.each(records.map(({ kinesis }, index) => ({ index, data: kinesis.data })))('record $index: its data, the subscription encoding, decodes to skipped log events', ({ data }) => {
    // Prepare
    const expected = ingestReasonsOf(payloadOf(data));

    // Act
    const run = runPipeline([decodeCloudWatchSubscription({ awslogs: { data } }, DECODER_CONTEXT)]);

    // Assess
    expectSoundRun(run);
    expect(run.summary.reasons).toEqual(expected);
  });
});
