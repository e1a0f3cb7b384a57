import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { BatchNotStoredError } from '../../shared/runtime/batch-not-stored-error.ts';
import { DEAD_LETTER_KINDS } from '../../shared/runtime/dead-letter.ts';
import { parseDeadLetterDocument } from '../../shared/runtime/dead-letter-schema.ts';
import { replayDeadLetter } from '../../shared/sources/dead-letter-replay.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { eventHubMessagesOf, ingestEventHubBatch, isLastAttempt, type RetryState } from '../../shared/sources/eventhub/trigger-runtime.ts';
import { aksRecord, auditEvent, eventHubBody, INGEST_TIME } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { legacyDeadLetterFile, storedDeadLetters } from './helpers/dead-letters.ts';
import { FAULTS, FaultyObjectStore } from './helpers/faulty-object-store.ts';
import { aksFunction, testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

const BODIES = [eventHubBody([aksRecord(auditEvent({ auditID: 'a-1' }))]), eventHubBody([aksRecord(auditEvent({ auditID: 'a-2' })), aksRecord('not json')])].map((body) =>
  JSON.stringify(body),
);
const METADATA = triggerMetadataFor(BODIES, 48_213);
const LAST: RetryState = { retryCount: 8, maxRetryCount: 8 };

const RUNTIME = testRuntime(new MemoryObjectStore(), 'westeurope');
const EVENT_HUB = { namespace: 'kaudit-weu.servicebus.windows.net', hub: 'aks-audit', consumerGroup: '$Default' };
/** What the pipeline makes of BODIES, as the function would store it. */
const PROCESSED = processBatch(
  decodeEventHubMessages(eventHubMessagesOf(BODIES, METADATA), { ...EVENT_HUB, region: 'westeurope', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS }),
  RUNTIME.pipeline,
);

function downStore() {
  return new FaultyObjectStore(new MemoryObjectStore(), FAULTS.always());
}

/** The dead-letter file of BODIES, as the function writes it on its last attempt. */
async function deadLetterOfBodies(): Promise<Record<string, unknown>> {
  const deadLetter = new MemoryObjectStore();
  await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter });
  return storedDeadLetters(deadLetter)[0]?.file as unknown as Record<string, unknown>;
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

  it('writes what the pipeline made of the batch, with its Event Hubs range and the error, to one dead-letter file on the last attempt, and returns', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    const report = await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { retry: LAST, deadLetter });

    // Assess
    const [stored, ...others] = storedDeadLetters(deadLetter);
    expect(others).toEqual([]);
    expect(stored?.key).toBe(`deadletter/v1/dt=2026-11-20/${report.batchKey}.json.gz`);
    expect(stored?.file).toMatchObject({
      kind: DEAD_LETTER_KINDS.v2,
      source: 'eventhub',
      batchKey: report.batchKey,
      region: 'westeurope',
      eventHub: { ...EVENT_HUB, partition: '3', firstSequence: '48213', lastSequence: '48214', messages: 2 },
      error: { name: 'StoreError' },
      attempts: 9,
      deadLetteredAt: INGEST_TIME,
      scrubbedMessages: null,
    });
    expect(stored?.file.output).toEqual({ events: PROCESSED.events, quarantined: PROCESSED.quarantined, summary: PROCESSED.summary });
    expect(stored?.file.output?.events.map((event) => event.audit_id)).toEqual(['a-1', 'a-2']);
    expect(report).toMatchObject({ deadLettered: 3, deadLetterKey: stored?.key, summary: { received: 3, written: 0, quarantined: 0 } });
  });

  it('keeps neither the message bodies nor the trigger metadata', async () => {
    // Act
    const file = await deadLetterOfBodies();

    // Assess
    expect(Object.keys(file).sort()).toEqual(['attempts', 'batchKey', 'deadLetteredAt', 'error', 'eventHub', 'kind', 'output', 'region', 'scrubbedMessages', 'source']);
  });

  it('keeps the message bodies, scrubbed, when processing itself fails', async () => {
    // Prepare: a pipeline step with a bug, which no input can be blamed for.
    const deadLetter = new MemoryObjectStore();
    const runtime = testRuntime(new MemoryObjectStore(), 'westeurope');
    const buggy = {
      ...runtime,
      pipeline: {
        ...runtime.pipeline,
        transforms: [
          () => {
            throw new TypeError('a bug in a pipeline step');
          },
        ],
      },
    };

    // Act
    const report = await ingestEventHubBatch(BODIES, METADATA, buggy, { retry: LAST, deadLetter });

    // Assess
    const [stored] = storedDeadLetters(deadLetter);
    expect(stored?.file).toMatchObject({ output: null, error: { name: 'TypeError', message: 'a bug in a pipeline step' } });
    expect(stored?.file.scrubbedMessages?.map((message) => [message.sequenceNumber, message.enqueuedTime])).toEqual([
      ['48213', '2026-11-20T15:00:09.000Z'],
      ['48214', '2026-11-20T15:00:10.000Z'],
    ]);
    expect(report.deadLettered).toBe(3);
  });

  it('dead-letters at once when no retry policy holds the batch', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    const report = await ingestEventHubBatch(BODIES, METADATA, testRuntime(downStore(), 'westeurope'), { deadLetter });

    // Assess
    expect(report.deadLettered).toBe(3);
    expect(storedDeadLetters(deadLetter)[0]?.file.attempts).toBe(1);
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
    const context = new InvocationContext({
      triggerMetadata: METADATA as Record<string, unknown>,
      retryContext: LAST,
      logHandler: (level, ...args) => logs.push({ level, message: args.join(' ') }),
    });

    // Act
    const attempt = handler(BODIES, context);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BatchNotStoredError);
    expect(logs).toMatchObject([{ level: 'error', message: expect.stringContaining('"message":"kaudit batch LOST"') }]);
    expect(logs[0]?.message).toContain('sequence 48213–48214');
  });
});

describe('a dead-letter file', () => {
  it('replays to the events, quarantine records and counts the function made, under the same batch key', async () => {
    // Prepare
    const parsed = parseDeadLetterDocument(await deadLetterOfBodies());

    // Act
    const replayed = 'file' in parsed ? processBatch(replayDeadLetter(parsed.file, INGEST_TIME, DEFAULT_LIMITS)) : parsed;

    // Assess
    expect(replayed).toEqual(PROCESSED);
  });

  it('of version 1, as older deployments wrote it, still decodes to the batch it came from', () => {
    // Prepare
    const original = decodeEventHubMessages(eventHubMessagesOf(BODIES, METADATA), { ...EVENT_HUB, region: 'westeurope', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS });
    const parsed = parseDeadLetterDocument(JSON.parse(JSON.stringify(legacyDeadLetterFile(original.batchKey, BODIES, METADATA, 'westeurope'))));

    // Act
    const replayed = 'file' in parsed ? replayDeadLetter(parsed.file, INGEST_TIME, DEFAULT_LIMITS) : parsed;

    // Assess
    expect(replayed).toEqual(original);
  });

  it.each<[string, (file: Record<string, unknown>) => Record<string, unknown>, string]>([
    [
      'with neither output nor messages',
      (file) => ({ ...file, output: null }),
      `not a valid ${DEAD_LETTER_KINDS.v2} file: output: exactly one of output and scrubbedMessages is set`,
    ],
    [
      'with an event that is no canonical event',
      (file) => withOutput(file, (output) => ({ ...output, events: [{ ...output.events[0], event_id: 'not-a-uuid' }, ...output.events.slice(1)] })),
      `not a valid ${DEAD_LETTER_KINDS.v2} file: output.events.0.event_id: Invalid UUID`,
    ],
    [
      'with a body nested deeper than an event may be',
      (file) => withOutput(file, (output) => ({ ...output, events: [{ ...output.events[0], request_object: nestedArrays(1_001) }, ...output.events.slice(1)] })),
      `not a valid ${DEAD_LETTER_KINDS.v2} file: output.events.0: a body nested deeper than 1000 levels`,
    ],
    [
      'with counts that do not match its rows',
      (file) => withOutput(file, (output) => ({ ...output, events: output.events.slice(1) })),
      `not a valid ${DEAD_LETTER_KINDS.v2} file: output.summary: the counts do not match what the file holds`,
    ],
    [
      'with a batch key that is no object name',
      (file) => ({ ...file, batchKey: '../../etc/passwd' }),
      `not a valid ${DEAD_LETTER_KINDS.v2} file: batchKey: a batch key (1 to 200 letters, digits, _ . -)`,
    ],
    [
      'of a version kaudit does not know',
      (file) => ({ ...file, kind: 'kaudit.deadletter/v9' }),
      'kind: a dead letter this version of kaudit does not read (expected kaudit.deadletter/v1 or kaudit.deadletter/v2)',
    ],
  ])('is refused %s, saying where it is wrong', async (_name, change, problem) => {
    // Prepare
    const file = change(await deadLetterOfBodies());

    // Act
    const parsed = parseDeadLetterDocument(file);

    // Assess
    expect(parsed).toEqual({ error: expect.stringContaining(problem) });
  });

  it('of version 1 is refused without its messages, saying so', () => {
    // Prepare
    const { messages: _, ...file } = legacyDeadLetterFile('eh-0123456789ab-p3-48213-48214', BODIES, METADATA, 'westeurope');

    // Act
    const parsed = parseDeadLetterDocument(file);

    // Assess
    expect(parsed).toEqual({ error: `not a valid ${DEAD_LETTER_KINDS.v1} file: messages: Invalid input: expected array, received undefined` });
  });
});

/** `[[…]]` nested `depth` deep, as JSON.parse makes it. */
function nestedArrays(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

type Output = { events: Record<string, unknown>[] } & Record<string, unknown>;

function withOutput(file: Record<string, unknown>, change: (output: Output) => Output): Record<string, unknown> {
  return { ...file, output: change(file.output as Output) };
}
