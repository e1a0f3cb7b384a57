/**
 * The Firehose path while the lake refuses the function's own writes: a record is answered with a
 * dead-letter document that Firehose delivers into the lake's deadletter/ folder, never with
 * `ProcessingFailed` (which would leave the original data, unredacted, under firehose-errors/).
 * The document holds no secret value, and `kaudit ingest` of the object Firehose writes replays it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { buildPipelineOptions } from '../../../shared/pipeline/pipeline-options.ts';
import type { FunctionRuntime } from '../../../shared/runtime/function-runtime.ts';
import type { FirehoseResultRecord } from '../../../shared/sources/firehose/firehose-event.ts';
import { transformFirehoseEvent } from '../../../shared/sources/firehose/transform-runtime.ts';
import type { EventStore } from '../../../shared/store/event-store.ts';
import { StoreError } from '../../../shared/store/object-store.ts';
import { openEventStore } from '../../../shared/store/open-store.ts';
import { auditEvent, cloudWatchPayload, firehoseRecord, firehoseTransformationEvent } from '../../helpers/audit-events.ts';
import { runKaudit } from '../../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';
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
} from '../../redaction/secret-events.ts';

const INGEST_TIME = '2026-11-20T15:05:00.000Z';
const PIPELINE = await buildPipelineOptions({});
/** Every secret value the events carry (the injected one base64, as Secret data is). */
const CARRIED = [DB_PASSWORD, API_KEY, REVIEWED_TOKEN, ISSUED_TOKEN, base64(INJECTED_PASSWORD), URL_TOKEN];

const downLake: EventStore = {
  url: 'memory://unavailable',
  writeEvents: () => Promise.reject(new StoreError('lake unavailable', 'events/v1/x')),
  writeQuarantine: () => Promise.reject(new StoreError('lake unavailable', 'quarantine/v1/x')),
  writeFindings: () => Promise.reject(new StoreError('lake unavailable', 'findings/v1/x')),
};

function runtimeWith(store: EventStore): FunctionRuntime {
  return { store, limits: DEFAULT_LIMITS, pipeline: PIPELINE, region: 'eu-west-1', now: () => new Date(INGEST_TIME) };
}

/** A Secret event cut before its auditID: quarantined, its raw text holding the Secret's values. */
function secretCutBeforeItsId(): string {
  const { auditID: _, ...withoutId } = secretEvent('lost', 'get', { responseObject: dbSecret() });
  const idLast = JSON.stringify({ ...withoutId, auditID: 'secret-id-last' });
  return idLast.slice(0, idLast.indexOf('"data":{') + 30);
}

/** An event of the hour after the Secret events': with the lake up, the function writes it to the lake itself. */
function nextHour(auditID: string) {
  return auditEvent({ auditID, requestReceivedTimestamp: '2026-11-20T15:00:00.100000Z', stageTimestamp: '2026-11-20T15:00:00.200000Z' });
}

/** Two records of Secret events, each with an event of the next hour; the first also with a quarantined Secret. */
const SECRETS = eventsCarryingSecrets();
const RECORDS = [
  firehoseRecord([cloudWatchPayload({ events: [...SECRETS.slice(0, 5), nextHour('next-hour-1'), secretCutBeforeItsId()] })], { recordId: 'r1' }),
  firehoseRecord([cloudWatchPayload({ events: [...SECRETS.slice(5), nextHour('next-hour-2')] })], { recordId: 'r2' }),
];

function textOf(answer: FirehoseResultRecord | undefined): string {
  if (answer?.result !== 'Ok') throw new Error(`expected an Ok answer, got ${answer?.result}`);
  return Buffer.from(answer.data, 'base64').toString('utf8');
}

describe('a Firehose record whose lake write fails', () => {
  let lakes: Awaited<ReturnType<typeof temporaryFileStore>>[];
  const newLake = async () => {
    const lake = await temporaryFileStore();
    lakes.push(lake);
    return lake;
  };
  beforeEach(() => {
    lakes = [];
  });
  afterEach(async () => {
    await Promise.all(lakes.map((lake) => lake.cleanup()));
  });

  it('carries the secret values, plain and base64, before it is transformed', () => {
    // Assess
    expect(secretsIn(RECORDS.map((record) => gunzipSync(Buffer.from(record.data, 'base64')).toString('utf8')).join('\n'))).toEqual(expect.arrayContaining(CARRIED));
  });

  it('is answered with a dead-letter document that holds no secret value', async () => {
    // Act
    const { response } = await transformFirehoseEvent(firehoseTransformationEvent(RECORDS), runtimeWith(downLake));

    // Assess
    const [first, second] = response.records;
    expect(first).toMatchObject({ recordId: 'r1', result: 'Ok', metadata: { partitionKeys: { kind: 'deadletter', dt: '2026-11-20', hour: '15' } } });
    expect(second).toMatchObject({ recordId: 'r2', result: 'Ok', metadata: { partitionKeys: { kind: 'deadletter' } } });
    expect(JSON.parse(textOf(first))).toMatchObject({ output: { summary: { received: 7, quarantined: 1 } } });
    expect(secretsIn(textOf(first) + textOf(second))).toEqual([]);
  });

  it('is replayed by `kaudit ingest` of the object Firehose writes, into the events a working lake gets, each once', async () => {
    // Prepare: with the lake up, what Firehose delivers and the function writes; with it down, the
    // dead-letter documents, as Firehose concatenates and gzips them into one deadletter/ object.
    const working = await newLake();
    const delivered = await transformFirehoseEvent(firehoseTransformationEvent(RECORDS), runtimeWith(await openEventStore(working.url)));
    const expected = [
      ...delivered.response.records.flatMap((answer) =>
        textOf(answer)
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { event_id: string }).event_id),
      ),
      ...(await readRows(working.url, 'events/v1/')).map((row) => row.event_id as string),
    ].sort();
    const failing = await transformFirehoseEvent(firehoseTransformationEvent(RECORDS), runtimeWith(downLake));
    const object = gzipSync(Buffer.concat(failing.response.records.map((answer) => Buffer.from(textOf(answer)))));
    const lake = await newLake();
    await writeFile(path.join(lake.root, 'deadletter-object.ndjson.gz'), object);

    // Act
    const run = await runKaudit(['ingest', '--store', lake.url, '--json', 'deadletter-object.ndjson.gz'], { cwd: lake.root });

    // Assess
    expect(failing.counts).toMatchObject({ deadLettered: 2 });
    expect(run.stderr).toBe('');
    // Every Secret event, the two events of the next hour, and the Secret cut before its id.
    expect(JSON.parse(run.stdout)).toEqual({
      received: SECRETS.length + 3,
      written: SECRETS.length + 2,
      duplicates: 0,
      skipped: 0,
      quarantined: 1,
      reasons: { truncated_unrecoverable: 1 },
    });
    const stored = await readRows(lake.url, 'events/v1/');
    expect(stored.map((row) => row.event_id as string).sort()).toEqual(expected);
    expect(expected).toHaveLength(SECRETS.length + 2);
    expect(secretsIn(JSON.stringify([...stored, ...(await readRows(lake.url, 'quarantine/v1/'))]))).toEqual([]);
  });
});
