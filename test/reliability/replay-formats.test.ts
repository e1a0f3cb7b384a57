import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_KINDS } from '../../shared/runtime/dead-letter.ts';
import { readLambdaDestinationRecord } from '../../shared/sources/cloudwatch/lambda-destination.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { destinationRecordOf } from './helpers/platforms.ts';

const SUBSCRIPTION_EVENT = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent({ auditID: 'a-1' }), auditEvent({ auditID: 'a-2' })] }));
const RECORD = destinationRecordOf(SUBSCRIPTION_EVENT, new Error('store down'));

describe('readLambdaDestinationRecord', () => {
  it('reads the original event and the region of the function that failed', () => {
    // Act
    const record = readLambdaDestinationRecord(RECORD);

    // Assess
    expect(record).toEqual({ requestPayload: SUBSCRIPTION_EVENT, region: 'eu-west-1' });
  });

  it.each([
    ['an object without requestPayload', { requestContext: {} }],
    ['an object without requestContext', { requestPayload: {} }],
    ['an array', [RECORD]],
    ['text', JSON.stringify(RECORD)],
  ])('is null for %s', (_name, document) => {
    // Act
    const record = readLambdaDestinationRecord(document);

    // Assess
    expect(record).toBeNull();
  });
});

describe('kaudit ingest of what failed deliveries leave', () => {
  let directory: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const ingest = async (content: string | Buffer, env: NodeJS.ProcessEnv = {}, ...flags: string[]) => {
    await writeFile(path.join(directory.root, 'input'), content);
    return runKaudit(['ingest', '--store', storeUrl, '--json', ...flags, 'input'], { cwd: directory.root, env });
  };
  beforeEach(async () => {
    directory = await temporaryFileStore();
    storeUrl = `file://${path.join(directory.root, 'lake')}`;
  });
  afterEach(() => directory.cleanup());

  it('stores the original batch of an on-failure destination record (an SQS message body) under its own batch key', async () => {
    // Prepare
    const original = decodeCloudWatchSubscription(SUBSCRIPTION_EVENT, DECODER_CONTEXT);

    // Act
    const run = await ingest(JSON.stringify(RECORD));

    // Assess
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 2, written: 2 });
    expect((await readRows(storeUrl, 'events/v1/')).map((row) => row.audit_id).sort()).toEqual(['a-1', 'a-2']);
    expect(await storedKeys(storeUrl, 'events/v1/')).toEqual([`events/v1/dt=2026-11-20/hour=14/${original.batchKey}.ndjson.gz`]);
  });

  it.each([
    ['no region given', {}, []],
    ['another region in AWS_REGION', { AWS_REGION: 'us-east-1' }, []],
    ['another region in --region', {}, ['--region', 'us-east-1']],
  ])('stamps the events with the failed function’s region, with %s, so their ids match the original delivery', async (_name, env, flags) => {
    // Act
    const run = await ingest(JSON.stringify(RECORD), env, ...flags);

    // Assess
    expect(run.exitCode).toBe(0);
    const rows = await readRows(storeUrl, 'events/v1/');
    expect(new Set(rows.map((row) => row.cluster_id))).toEqual(new Set(['arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu']));
  });

  it('stores each record of a file of SQS bodies, one per line', async () => {
    // Prepare
    const second = destinationRecordOf(
      cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent({ auditID: 'b-1' })], logStream: 'kube-apiserver-audit-0f0f0f0f0f0f' })),
      new Error('store down'),
    );

    // Act
    const run = await ingest(`${JSON.stringify(RECORD)}\n${JSON.stringify(second)}\n`);

    // Assess
    expect(run.exitCode).toBe(0);
    expect((await readRows(storeUrl, 'events/v1/')).map((row) => row.audit_id).sort()).toEqual(['a-1', 'a-2', 'b-1']);
  });

  it.each([
    ['a destination record of something that is no kaudit input', { ...RECORD, requestPayload: { hello: 'world' } }, /^kaudit: input: requestPayload: unrecognised JSON/],
    ['a destination record inside a destination record', { ...RECORD, requestPayload: RECORD }, /^kaudit: input: requestPayload is itself a Lambda destination record\n$/],
    ['a dead-letter file missing its output', { kind: DEAD_LETTER_KINDS.v2, source: 'eventhub' }, /^kaudit: input: not a valid kaudit\.deadletter\/v2 file: batchKey: /],
  ])('exits 2 on %s, saying what is wrong', async (_name, document, message) => {
    // Act
    const run = await ingest(gzipSync(JSON.stringify(document)));

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
