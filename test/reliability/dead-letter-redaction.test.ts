/**
 * A dead letter is a copy of audit data outside the lake: it must hold nothing redaction would
 * have removed. Secret values go through the Event Hubs function while the lake is down; the
 * dead-letter file it leaves is searched for them, plain and base64, and replayed with
 * `kaudit ingest` into the events the function would have stored.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { eventHubMessagesOf, ingestEventHubBatch, type RetryState } from '../../shared/sources/eventhub/trigger-runtime.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { sigmaRuleText } from '../detection/detection-builders.ts';
import { aksRecord, eventHubBody, INGEST_TIME } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { MemoryObjectStore, readRows, temporaryFileStore } from '../helpers/lake.ts';
import {
  API_KEY,
  base64,
  DB_PASSWORD,
  dbSecret,
  eventsCarryingSecrets,
  INJECTED_PASSWORD,
  ISSUED_TOKEN,
  REVIEWED_TOKEN,
  secretEvent,
  secretsIn,
  URL_TOKEN,
} from '../redaction/secret-events.ts';
import { legacyDeadLetterFile, storedDeadLetters } from './helpers/dead-letters.ts';
import { FAULTS, FaultyObjectStore } from './helpers/faulty-object-store.ts';
import { testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

/** A Secret event cut before its auditID: quarantined, its raw text holding the Secret's values. */
function secretCutBeforeItsId(): string {
  const { auditID: _, ...withoutId } = secretEvent('lost', 'get', { responseObject: dbSecret() });
  const idLast = JSON.stringify({ ...withoutId, auditID: 'secret-id-last' });
  return idLast.slice(0, idLast.indexOf('"data":{') + 30);
}

const EVENTS = eventsCarryingSecrets();
const RECORDS = [...EVENTS.map((event) => aksRecord(event)), aksRecord(secretCutBeforeItsId())];
/** Event Hubs bodies as the trigger hands them over (text), a few records each. */
const BODIES = [RECORDS.slice(0, 4), RECORDS.slice(4)].map((records) => JSON.stringify(eventHubBody(records)));
const METADATA = triggerMetadataFor(BODIES, 7_301);
const LAST: RetryState = { retryCount: 8, maxRetryCount: 8 };

function downLake(): FaultyObjectStore {
  return new FaultyObjectStore(new MemoryObjectStore(), FAULTS.always());
}

/** The `events` view's event ids (by audit id), and the number of stored rows, of a lake. */
async function storedEvents(root: string): Promise<{ eventIds: Record<string, string>; rows: number }> {
  const lake = await LakeQuery.open(root);
  try {
    const unique = await lake.run('SELECT audit_id, event_id FROM events ORDER BY audit_id');
    const all = await lake.run('SELECT count(*) AS n FROM events_all');
    return { eventIds: Object.fromEntries(unique.rows.map((row) => [row.audit_id, row.event_id])), rows: Number(all.rows[0]?.n) };
  } finally {
    lake.close();
  }
}

describe('an Event Hubs batch carrying secrets that the lake will not take on its last attempt', () => {
  let stores: Awaited<ReturnType<typeof temporaryFileStore>>[];
  const fileStore = async () => {
    const store = await temporaryFileStore();
    stores.push(store);
    return store;
  };
  beforeEach(() => {
    stores = [];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.cleanup()));
  });

  /** What the function stores of BODIES when the lake works: the ids a replay must reproduce. */
  async function storedByTheFunction(): Promise<{ eventIds: Record<string, string>; rows: number }> {
    const lake = await fileStore();
    await ingestEventHubBatch(BODIES, METADATA, testRuntime(new FileObjectStore(lake.url), 'westeurope'), { retry: LAST, deadLetter: null });
    return storedEvents(lake.root);
  }

  /** `kaudit ingest --json FILE` of a dead letter into a new lake. */
  async function replay(file: Buffer, ...flags: string[]): Promise<{ lake: Awaited<ReturnType<typeof temporaryFileStore>>; summary: Record<string, unknown>; exitCode: number }> {
    const lake = await fileStore();
    const input = path.join(lake.root, 'dead-letter.json.gz');
    await writeFile(input, file);
    const run = await runKaudit(['ingest', '--store', lake.url, '--json', ...flags, input], { cwd: lake.root });
    expect(run.stderr).toBe('');
    return { lake, summary: JSON.parse(run.stdout) as Record<string, unknown>, exitCode: run.exitCode };
  }

  it('carries the secret values, plain and base64, before it is processed', () => {
    // Assess
    expect(secretsIn(BODIES.join('\n'))).toEqual(expect.arrayContaining([DB_PASSWORD, API_KEY, REVIEWED_TOKEN, ISSUED_TOKEN, base64(INJECTED_PASSWORD), URL_TOKEN]));
  });

  it('leaves a dead-letter file holding no secret value', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();

    // Act
    await ingestEventHubBatch(BODIES, METADATA, testRuntime(downLake(), 'westeurope'), { retry: LAST, deadLetter });

    // Assess
    const [stored] = storedDeadLetters(deadLetter);
    expect(secretsIn(stored?.text ?? '')).toEqual([]);
    expect(stored?.file.output?.events).toHaveLength(EVENTS.length);
    expect(stored?.file.output?.quarantined.map((record) => record.reason)).toEqual(['truncated_unrecoverable']);
  });

  it('whose replay with `kaudit ingest` stores every event once, with the ids the function gives them, and counts as the function does', async () => {
    // Prepare
    const expected = await storedByTheFunction();
    const deadLetter = new MemoryObjectStore();
    await ingestEventHubBatch(BODIES, METADATA, testRuntime(downLake(), 'westeurope'), { retry: LAST, deadLetter });

    // Act
    const replayed = await replay([...deadLetter.objects.values()][0] as Buffer);

    // Assess
    expect(replayed.exitCode).toBe(1);
    expect(replayed.summary).toEqual({ received: EVENTS.length + 1, written: EVENTS.length, duplicates: 0, skipped: 0, quarantined: 1, reasons: { truncated_unrecoverable: 1 } });
    expect(await storedEvents(replayed.lake.root)).toEqual(expected);
    expect(expected.rows).toBe(EVENTS.length);
    const rows = [...(await readRows(replayed.lake.url, 'events/v1/')), ...(await readRows(replayed.lake.url, 'quarantine/v1/'))];
    expect(secretsIn(JSON.stringify(rows))).toEqual([]);
  });

  it('whose replay with --rules evaluates the rules on the replayed events and stores their findings', async () => {
    // Prepare
    const deadLetter = new MemoryObjectStore();
    await ingestEventHubBatch(BODIES, METADATA, testRuntime(downLake(), 'westeurope'), { retry: LAST, deadLetter });
    const rules = await fileStore();
    const rule = path.join(rules.root, 'secrets.yml');
    await writeFile(rule, sigmaRuleText({ selection: { 'objectRef.resource': 'secrets' }, condition: 'selection' }));

    // Act
    const replayed = await replay([...deadLetter.objects.values()][0] as Buffer, '--rules', rule);

    // Assess
    const findings = await readRows(replayed.lake.url, 'findings/v1/');
    expect(findings.length).toBeGreaterThan(0);
    expect(replayed.summary.findings).toBe(findings.length);
    expect(secretsIn(JSON.stringify(findings))).toEqual([]);
  });

  it('keeps the messages scrubbed of every secret value when processing itself failed, and replays them into the same events', async () => {
    // Prepare: a pipeline step with a bug; redaction is still configured.
    const expected = await storedByTheFunction();
    const deadLetter = new MemoryObjectStore();
    const runtime = testRuntime(downLake(), 'westeurope');
    const bug = () => {
      throw new TypeError('a bug in a pipeline step');
    };
    const buggy = { ...runtime, pipeline: { ...runtime.pipeline, transforms: [bug, ...(runtime.pipeline.transforms ?? [])] } };

    // Act
    await ingestEventHubBatch(BODIES, METADATA, buggy, { retry: LAST, deadLetter });
    const [stored] = storedDeadLetters(deadLetter);
    const replayed = await replay(gzipSync(stored?.text ?? ''));

    // Assess
    expect(secretsIn(stored?.text ?? '')).toEqual([]);
    expect(stored?.file.scrubbedMessages).toHaveLength(2);
    // The one event whose request URI carried a credential: its id is taken over the URI, which the
    // scrubbed text no longer holds whole, so its replay gets another id (docs/delivery-semantics.md).
    const { 'token-in-a-url': replayedUrlEvent, ...replayedIds } = (await storedEvents(replayed.lake.root)).eventIds;
    const { 'token-in-a-url': originalUrlEvent, ...originalIds } = expected.eventIds;
    expect(replayedIds).toEqual(originalIds);
    expect(replayedUrlEvent).toBeDefined();
    expect(replayedUrlEvent).not.toBe(originalUrlEvent);
    expect(secretsIn(JSON.stringify(await readRows(replayed.lake.url, 'events/v1/')))).toEqual([]);
  });

  it('of version 1, as older deployments left it, still replays into the events the function gives them, redacted', async () => {
    // Prepare
    const expected = await storedByTheFunction();
    const { batchKey } = decodeEventHubMessages(eventHubMessagesOf(BODIES, METADATA), {
      namespace: 'kaudit-weu.servicebus.windows.net',
      hub: 'aks-audit',
      consumerGroup: '$Default',
      ingestTime: INGEST_TIME,
      limits: DEFAULT_LIMITS,
    });
    const legacy = legacyDeadLetterFile(batchKey, BODIES, METADATA, 'westeurope');

    // Act
    const replayed = await replay(gzipSync(JSON.stringify(legacy)));

    // Assess
    expect(replayed.summary).toMatchObject({ received: EVENTS.length + 1, written: EVENTS.length, quarantined: 1 });
    expect(await storedEvents(replayed.lake.root)).toEqual(expected);
    expect(secretsIn(JSON.stringify(await readRows(replayed.lake.url, 'events/v1/')))).toEqual([]);
  });
});
