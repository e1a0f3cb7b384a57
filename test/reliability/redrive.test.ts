import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { FakeQueue } from './helpers/fake-queue.ts';
import { destinationRecordOf } from './helpers/platforms.ts';

/** The SQS body Lambda sends for a failed batch of events at `hour` (UTC) of 2026-11-20 or, with `day`, another day. */
function failedBatch(auditIds: string[], hour = '14', day = '20'): string {
  const events = auditIds.map((auditID) => auditEvent({ auditID, stageTimestamp: `2026-11-${day}T${hour}:03:07.419876Z` }));
  return JSON.stringify(
    destinationRecordOf(cloudWatchSubscriptionEvent(cloudWatchPayload({ events, logStream: `kube-apiserver-audit-${auditIds.join('')}` })), new Error('store down')),
  );
}

describe('kaudit redrive --sqs', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let queue: FakeQueue;
  const redrive = (...args: string[]) => runKaudit(['redrive', '--sqs', queue.url, '--store', lake.url, ...args], { cwd: lake.root });
  beforeEach(async () => {
    lake = await temporaryFileStore();
    queue = new FakeQueue();
  });
  afterEach(async () => {
    queue.restore();
    await lake.cleanup();
  });

  it('stores every batch in the queue and deletes each message once its batch is stored', async () => {
    // Prepare
    queue.send(failedBatch(['a-1', 'a-2']));
    queue.send(failedBatch(['b-1']));

    // Act
    const run = await redrive('--json');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      received: 3,
      written: 3,
      duplicates: 0,
      skipped: 0,
      quarantined: 0,
      reasons: {},
      messages: { received: 2, deleted: 2, left: [] },
    });
    expect(queue.messageIds).toEqual([]);
    expect((await readRows(lake.url, 'events/v1/')).map((row) => row.audit_id).sort()).toEqual(['a-1', 'a-2', 'b-1']);
  });

  it('reads with long polling, at most 10 messages a receive, and deletes in batches of at most 10', async () => {
    // Prepare
    for (let index = 0; index < 23; index++) queue.send(failedBatch([`e-${index}`]));

    // Act
    const run = await redrive('--wait-seconds', '20');

    // Assess
    expect(run.exitCode).toBe(0);
    const receives = queue.client.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input);
    expect(receives).toHaveLength(4);
    expect(receives.every((input) => input.MaxNumberOfMessages === 10 && input.WaitTimeSeconds === 20 && input.QueueUrl === queue.url)).toBe(true);
    expect(queue.client.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(run.stdout).toBe('23 received: 23 written, 0 duplicates, 0 skipped, 0 quarantined\n23 messages: 23 stored and deleted, 0 left in the queue (0 unreadable)\n');
  });

  it('leaves a message it cannot read in the queue, says which and why, and exits 1', async () => {
    // Prepare
    queue.send(failedBatch(['a-1']));
    const unreadable = queue.send('{"requestContext": {}, "requestPayload": {"hello": "world"}}');

    // Act
    const run = await redrive();

    // Assess
    expect(run.exitCode).toBe(1);
    expect(queue.messageIds).toEqual([unreadable]);
    expect(run.stderr).toMatch(
      new RegExp(`^kaudit: message ${unreadable} left in the queue: requestPayload: unrecognised JSON: expected a CloudWatch Logs subscription event .*\n$`),
    );
    expect(run.stdout).toContain('2 messages: 1 stored and deleted, 1 left in the queue (1 unreadable)');
  });

  it('stops at a store failure, deleting the messages stored before it and leaving the rest', async () => {
    // Prepare: a file where the lake needs the 2026-11-21 partition directory makes writes there fail.
    await mkdir(path.join(lake.root, 'events/v1'), { recursive: true });
    await writeFile(path.join(lake.root, 'events/v1/dt=2026-11-21'), 'not a directory');
    const stored = queue.send(failedBatch(['a-1']));
    const failing = queue.send(failedBatch(['b-1'], '09', '21'));
    const after = queue.send(failedBatch(['c-1']));

    // Act
    const run = await redrive();

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^kaudit: redrive stopped, the messages not yet stored stay in the queue: cannot write .*dt=2026-11-21/);
    expect(queue.messageIds).toEqual([failing, after]);
    expect(queue.messageIds).not.toContain(stored);
    expect(run.stdout).toContain('2 messages: 1 stored and deleted, 1 left in the queue (0 unreadable)');
  });

  it('reports a message stored but not deleted, and a later redrive finds its batch stored and deletes it', async () => {
    // Prepare
    const message = queue.send(failedBatch(['a-1']));
    queue.failDeletesOf.add(message);

    // Act
    const first = await redrive();
    queue.failDeletesOf.clear();
    const second = await redrive('--json');

    // Assess
    expect(first.exitCode).toBe(1);
    expect(first.stderr).toBe(`kaudit: message ${message} was stored but not deleted (ReceiptHandleIsInvalid: injected); a later redrive finds it stored\n`);
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ written: 0, duplicates: 1, messages: { received: 1, deleted: 1 } });
    expect(queue.messageIds).toEqual([]);
  });

  it('ends at once on an empty queue', async () => {
    // Act
    const run = await redrive();

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('0 received: 0 written, 0 duplicates, 0 skipped, 0 quarantined\n0 messages: 0 stored and deleted, 0 left in the queue (0 unreadable)\n');
  });

  it('exits 3 naming the queue when SQS refuses the receive', async () => {
    // Prepare
    queue.client.on(ReceiveMessageCommand).rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }));

    // Act
    const run = await redrive();

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toBe(`kaudit: redrive stopped, the messages not yet stored stay in the queue: cannot receive from ${queue.url}: The specified queue does not exist.\n`);
  });

  it('says who may read an encrypted queue when KMS refuses to decrypt it', async () => {
    // Prepare
    queue.client
      .on(ReceiveMessageCommand)
      .rejects(Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/oncall/s is not authorized to perform kms:Decrypt'), { name: 'KmsAccessDenied' }));

    // Act
    const run = await redrive();

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(
      /kms:Decrypt \(the queue is encrypted with a key only the principals in the deployment’s failureQueueReaders may decrypt with: add yours and deploy again\)\n$/,
    );
  });

  it.each([
    [
      'a queue URL that is not a URL',
      ['--sqs', 'kaudit-failures'],
      'kaudit: --sqs: not a URL: "kaudit-failures" (expected https://sqs.<region>.amazonaws.com/<account>/<queue>)\n',
    ],
    ['a wait past what SQS allows', ['--wait-seconds', '30'], 'kaudit: --wait-seconds must be an integer from 1 to 20, got 30\n'],
  ])('exits 2 on %s', async (_name, args, message) => {
    // Act
    const run = await redrive(...args);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(message);
  });
});
