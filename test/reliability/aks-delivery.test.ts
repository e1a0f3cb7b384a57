import { gunzipSync } from 'node:zlib';
import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { decodeEventHubMessages } from '../../shared/decode/eventhub.ts';
import { BatchNotStoredError } from '../../shared/reliability/batch-not-stored-error.ts';
import { DEAD_LETTER_KIND, decodeDeadLetterFile, parseDeadLetterFile, type DeadLetterFile } from '../../shared/reliability/dead-letter-file.ts';
import { eventHubMessagesOf, ingestEventHubBatch, isLastAttempt, type RetryState } from '../../shared/runtime/aks-eventhub.ts';
import { DEFAULT_LIMITS } from '../../shared/limits.ts';
import { aksRecord, auditEvent, eventHubBody, INGEST_TIME } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { FAULTS, FaultyObjectStore } from './helpers/faulty-object-store.ts';
import { aksFunction, testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

const BODIES = [eventHubBody([aksRecord(auditEvent({ auditID: 'a-1' }))]), eventHubBody([aksRecord(auditEvent({ auditID: 'a-2' })), aksRecord('not json')])].map((body) =>
  JSON.stringify(body),
);
const METADATA = triggerMetadataFor(BODIES, 48_213);
const LAST: RetryState = { retryCount: 8, maxRetryCount: 8 };

function downStore() {
  return new FaultyObjectStore(new MemoryObjectStore(), FAULTS.always());
}

async function deadLetterFiles(store: MemoryObjectStore): Promise<{ key: string; file: DeadLetterFile }[]> {
  return [...store.objects].map(([key, body]) => ({ key, file: JSON.parse(gunzipSync(body).toString('utf8')) as DeadLetterFile }));
}

describe('isLastAttempt', () => {
  it.each<[string, RetryState | undefined, boolean]>([
    ['no retry policy: the host checkpoints after any attempt', undefined, true],
    ['the first of nine attempts', { retryCount: 0, maxRetryCount: 8 }, false],
    ['the eighth of nine attempts', { retryCount: 7, maxRetryCount: 8 }, false],
    ['the ninth of nine attempts', { retryCount: 8, maxRetryCount: 8 }, true],
    ['a policy of no retries', { retryCount: 0, maxRetryCount: 0 }, true],
    ['a policy that retries forever', { retryCount: 1_000, maxRetryCount: -1 }, false],
  ])('%s → %s', (_name, retry, expected) => {
    // Act
    const last = isLastAttempt(retry);

    // Assess
    expect(last).toBe(expected);
  });
});

describe('an Event Hubs batch the store will not take', () => {
  it('throws for the trigger to retry while retries remain, naming the batch range and attempt, and dead-letters nothing', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    const attempt = ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: { retryCount: 2, maxRetryCount: 8 }, deadLetter });

    // Assess
    await expect(attempt).rejects.toThrow(/partition 3, sequence 48213–48214 \(2 messages\)\) was not stored on attempt 3, the trigger retries it: injected fault/);
    await expect(attempt).rejects.toMatchObject({ name: 'BatchNotStoredError', lost: false });
    expect(deadLetter.objects.size).toBe(0);
  });

  it('writes the raw messages, partition, sequence range, trigger metadata and error to one dead-letter file on the last attempt, and returns', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    const report = await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter });

    // Assess
    const [stored, ...others] = await deadLetterFiles(deadLetter);
    expect(others).toEqual([]);
    expect(stored?.key).toBe(`deadletter/v1/dt=2026-11-20/${report.batchKey}.json.gz`);
    expect(stored?.file).toMatchObject({
      kind: DEAD_LETTER_KIND,
      source: 'eventhub',
      batchKey: report.batchKey,
      eventHub: { namespace: 'kaudit-weu.servicebus.windows.net', hub: 'aks-audit', consumerGroup: '$Default', partition: '3' },
      region: 'westeurope',
      firstSequence: '48213',
      lastSequence: '48214',
      error: { name: 'StoreError' },
      attempts: 9,
      deadLetteredAt: INGEST_TIME,
      triggerMetadata: METADATA,
    });
    expect(stored?.file.messages.map((message) => message.body)).toEqual(BODIES);
    expect(report).toMatchObject({ deadLettered: 3, deadLetterKey: stored?.key, summary: { received: 3, written: 0, quarantined: 0 } });
  });

  it('dead-letters at once when no retry policy holds the batch', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    const report = await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { deadLetter });

    // Assess
    expect(report.deadLettered).toBe(3);
    expect((await deadLetterFiles(deadLetter))[0]?.file.attempts).toBe(1);
  });

  it.each([
    ['the dead-letter store fails too', () => downStore(), /injected fault.*not dead-lettered \(injected fault/],
    ['no dead-letter store is configured', () => null, /not dead-lettered \(KAUDIT_DEADLETTER_URL is not set\)/],
  ])('throws a lost error naming the exact range when %s', async (_name, deadLetter, reason) => {
    // Act
    const attempt = ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter: deadLetter() });

    // Assess
    await expect(attempt).rejects.toThrow(/^batch eh-[0-9a-f]+-p3-48213-48214 \(partition 3, sequence 48213–48214 \(2 messages\)\) LOST: not stored after 9 attempts/);
    await expect(attempt).rejects.toThrow(reason);
    await expect(attempt).rejects.toMatchObject({ lost: true });
  });

  it('logs a lost batch as an error and rethrows it, so the host records the failure', async () => {
    // Prepare
    const logs: { level: string; message: string }[] = [];
    const handler = aksFunction(testRuntime(downStore(), 'westeurope'), downStore());
    const context = new InvocationContext({ triggerMetadata: METADATA as Record<string, unknown>, retryContext: LAST, logHandler: (level, ...args) => logs.push({ level, message: args.join(' ') }) });

    // Act
    const attempt = handler(BODIES, context);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BatchNotStoredError);
    expect(logs).toMatchObject([{ level: 'error', message: expect.stringContaining('"message":"kaudit batch LOST"') }]);
    expect(logs[0]?.message).toContain('sequence 48213–48214');
  });
});

describe('a dead-letter file', () => {
  it('decodes to the batch it came from, under the same batch key', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();
    const report = await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter });
    const [{ file } = { file: {} }] = await deadLetterFiles(deadLetter);
    const context = { namespace: 'kaudit-weu.servicebus.windows.net', hub: 'aks-audit', consumerGroup: '$Default', region: 'westeurope', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS };
    const original = decodeEventHubMessages(eventHubMessagesOf(BODIES, METADATA), context);

    // Act
    const parsed = parseDeadLetterFile(file);
    const replayed = 'file' in parsed ? decodeDeadLetterFile(parsed.file, INGEST_TIME, DEFAULT_LIMITS) : null;

    // Assess
    expect(replayed?.batchKey).toBe(report.batchKey);
    expect(replayed).toEqual(original);
  });

  it.each([
    ['without messages', { messages: undefined }, 'messages: Invalid input: expected array, received undefined'],
    ['with a body that is not text', { messages: [{ body: 1, sequenceNumber: '1', offset: null, enqueuedTime: null }] }, 'messages.0.body: Invalid input: expected string, received number'],
    ['with a batch key that is no object name', { batchKey: '../../etc/passwd' }, 'batchKey: a batch key (1 to 200 letters, digits, _ . -)'],
  ])('is refused %s, saying where it is wrong', async (_name, change, problem) => {
    // Prepare
    const deadLetter = new MemoryObjectStore();
    await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter });
    const [{ file } = { file: {} }] = await deadLetterFiles(deadLetter);

    // Act
    const parsed = parseDeadLetterFile({ ...file, ...change });

    // Assess
    expect(parsed).toEqual({ error: `not a valid ${DEAD_LETTER_KIND} file: ${problem}` });
  });
});
