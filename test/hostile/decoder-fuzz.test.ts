/**
 * Fuzzing every decoder with hostile envelopes: a valid envelope with one value anywhere in it
 * replaced by something an attacker would send (JSON nested past any limit, megabytes of text,
 * `__proto__` keys, lone surrogates, numbers where text belongs), a key deleted, or a hostile key
 * added. Whatever comes in, decoding, processing and storing never throw, batch keys stay safe
 * object names, every quarantine record is a valid one with a bounded raw, and no prototype changes.
 * (The counting identity under random input is test/pipeline/pipeline.property.test.ts's.)
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import { safeText } from '../../shared/core/json-text.ts';
import { QUARANTINE_RAW_LIMIT } from '../../shared/core/quarantine.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { QuarantineRecordSchema } from '../../shared/schema/quarantine-record.ts';
import { decodeAuditEventList, decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { decodeFirehoseRecord } from '../../shared/sources/firehose/decode-firehose-record.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { type AuditEvent, aksRecord, auditEvent, cloudWatchPayload, DECODER_CONTEXT, eventHubBody, eventHubMessages, eventList, firehoseRecord } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { deadLetterFileOf, legacyDeadLetterFile } from '../reliability/helpers/dead-letters.ts';
import { destinationRecordOf, triggerMetadataFor } from '../reliability/helpers/platforms.ts';

const context = { ...DECODER_CONTEXT, clusterName: 'onprem-dc1', clusterId: null, name: 'fuzz' };
const EVENTS = [auditEvent({ auditID: 'f-1' }), auditEvent({ auditID: 'f-2', verb: 'delete', objectRef: { resource: 'secrets', namespace: 'kube-system', name: 'token' } })];

type Json = unknown;
type Path = (string | number)[];

/** Deeply nested containers, as JSON.parse makes them (built as text: a literal would need the recursion being tested). */
const deep = (depth: number, open: string, core: string, close: string) => JSON.parse(`${open.repeat(depth)}${core}${close.repeat(depth)}`) as Json;
/** Text of any UTF-16 code units, lone surrogates included. */
const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) });

/** A hostile value, described: fast-check prints counterexamples recursively, so the deep and the huge are built inside the property. */
type Hostile = { json: Json } | { deepArray: number } | { deepObject: number } | { megabytes: number };

function build(hostile: Hostile): Json {
  if ('json' in hostile) return hostile.json;
  if ('deepArray' in hostile) return deep(hostile.deepArray, '[', '', ']');
  if ('deepObject' in hostile) return deep(hostile.deepObject, '{"a":', '1', '}');
  return 'x'.repeat(hostile.megabytes * 1024 * 1024);
}

const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((json) => ({ json })), weight: 4 },
  { arbitrary: anyCodeUnits.map((json) => ({ json })), weight: 2 },
  { arbitrary: fc.integer({ min: 900, max: 20_000 }).map((deepArray) => ({ deepArray })), weight: 1 },
  { arbitrary: fc.integer({ min: 900, max: 20_000 }).map((deepObject) => ({ deepObject })), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 5 }).map((megabytes) => ({ megabytes })), weight: 1 },
  {
    arbitrary: fc
      .jsonValue({ maxDepth: 2 })
      .map((value) => ({ json: JSON.parse(`{"__proto__":${JSON.stringify(value) ?? 'null'},"constructor":{"prototype":{"polluted":1}}}`) as Json })),
    weight: 2,
  },
  { arbitrary: fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)).map((json) => ({ json })), weight: 2 },
);

/** Every path to a value inside a JSON value. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: Path = Array.isArray(value) ? value.map((_item, index) => index) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string | number, Json>)[key], [...prefix, key]))];
}

type Mutation = { kind: 'replace'; path: Path; value: Hostile } | { kind: 'delete'; path: Path } | { kind: 'add-key'; path: Path; key: string; value: Hostile };

/**
 * A copy of `value` with one mutation applied. Keys are defined, never assigned, so `__proto__`
 * stays data, as JSON.parse makes it; and keys are added to objects only, as JSON can.
 */
function mutate(value: Json, mutation: Mutation): Json {
  const copy = structuredClone(value);
  if (mutation.path.length === 0 && mutation.kind !== 'add-key') return mutation.kind === 'replace' ? build(mutation.value) : undefined;
  const target = mutation.kind === 'add-key' ? mutation.path : mutation.path.slice(0, -1);
  let parent = copy as Record<string | number, Json>;
  for (const key of target) parent = parent[key] as Record<string | number, Json>;
  if (typeof parent !== 'object' || parent === null) return copy;
  const define = (key: string | number, item: Json) => Object.defineProperty(parent, key, { value: item, enumerable: true, writable: true, configurable: true });
  if (mutation.kind === 'add-key') {
    if (!Array.isArray(parent)) define(mutation.key, build(mutation.value));
  } else if (mutation.kind === 'replace') define(mutation.path.at(-1) as string | number, build(mutation.value));
  else if (Array.isArray(parent)) parent.splice(mutation.path.at(-1) as number, 1);
  else delete parent[mutation.path.at(-1) as string];
  return copy;
}

function mutationOf(value: Json): fc.Arbitrary<Mutation> {
  const paths = fc.constantFrom(...pathsOf(value));
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('replace' as const), path: paths, value: hostileValue }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), path: paths }), weight: 1 },
    {
      arbitrary: fc.record({ kind: fc.constant('add-key' as const), path: paths, key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), value: hostileValue }),
      weight: 1,
    },
  );
}

/**
 * A decoder and the valid envelope it reads. `outer` is mutated as JSON; `inner`, when the
 * envelope carries the audit event as text, is the event mutated before being put in it.
 */
interface FuzzTarget {
  outer: Json;
  decodeOuter: (envelope: Json) => DecodedBatch[];
  inner?: (event: AuditEvent) => DecodedBatch[];
}

function detected(data: Buffer): DecodedBatch[] {
  const result = decodeInput(data, context);
  if ('error' in result) {
    expect(result.error).toMatch(/\S/);
    return [];
  }
  return result.batches;
}
/** JSON text of a value of any depth (JSON.stringify would overflow on the deep ones). */
const textOf = (value: Json) => (typeof value === 'string' ? value : (safeText(value) ?? ''));
const subscription = (payload: Json) => ({ awslogs: { data: gzipSync(textOf(payload)).toString('base64') } });
const bodiesOf = (events: AuditEvent[]) => [textOf(eventHubBody(events.map((event) => aksRecord(textOf(event)))))];
const legacyDeadLetterOf = (events: AuditEvent[]) =>
  JSON.parse(JSON.stringify(legacyDeadLetterFile('eh-fuzz-p3-1-1', bodiesOf(events), triggerMetadataFor(bodiesOf(events), 1), null))) as Json;
const DEAD_LETTER = await deadLetterFileOf(bodiesOf(EVENTS), triggerMetadataFor(bodiesOf(EVENTS), 1));

const TARGETS: Record<string, FuzzTarget> = {
  'CloudWatch subscription event': {
    outer: subscription(cloudWatchPayload({ events: EVENTS })),
    decodeOuter: (envelope) => [decodeCloudWatchSubscription(envelope, context)],
    inner: (event) => [decodeCloudWatchSubscription(subscription(cloudWatchPayload({ events: [textOf(event)] })), context)],
  },
  'CloudWatch payload': {
    outer: cloudWatchPayload({ events: EVENTS }),
    decodeOuter: (envelope) => [decodeCloudWatchPayload(envelope, context), decodeCloudWatchSubscription(subscription(envelope), context)],
  },
  'Event Hubs body': {
    outer: eventHubBody(EVENTS.map((event) => aksRecord(event))),
    decodeOuter: (envelope) => [decodeEventHubMessages(eventHubMessages([envelope, textOf(envelope), Buffer.from(textOf(envelope))]), context)],
    inner: (event) => [decodeEventHubMessages(eventHubMessages([eventHubBody([aksRecord(textOf(event))])]), context)],
  },
  EventList: {
    outer: eventList(EVENTS),
    decodeOuter: (envelope) => [...decodeAuditEventList(envelope, context, 'file-fuzz')],
  },
  'audit log': {
    outer: EVENTS,
    decodeOuter: (lines) => [decodeAuditLogLines(Array.isArray(lines) ? lines.map(textOf).join('\n') : textOf(lines), context)],
    inner: (event) => [decodeAuditLogLines(textOf(event), context)],
  },
  'Firehose record': {
    outer: cloudWatchPayload({ events: EVENTS }),
    decodeOuter: (payload) => [decodeFirehoseRecord(firehoseRecord([textOf(payload)]), context)],
  },
  'kaudit ingest input': {
    outer: subscription(cloudWatchPayload({ events: EVENTS })),
    decodeOuter: (document) => [...detected(Buffer.from(textOf(document))), ...detected(gzipSync(textOf(document)))],
  },
  'Lambda destination record': {
    outer: destinationRecordOf(subscription(cloudWatchPayload({ events: EVENTS })), new Error('store down')),
    decodeOuter: (record) => detected(Buffer.from(textOf(record))),
  },
  'kaudit dead-letter file': {
    outer: DEAD_LETTER,
    decodeOuter: (file) => detected(gzipSync(textOf(file))),
  },
  'kaudit dead-letter file of version 1': {
    outer: legacyDeadLetterOf(EVENTS),
    decodeOuter: (file) => detected(gzipSync(textOf(file))),
    inner: (event) => detected(gzipSync(textOf(legacyDeadLetterOf([event])))),
  },
};

const SAFE_BATCH_KEY = /^[A-Za-z0-9_.-]{1,200}$/;

/** Processes and stores every batch, checking what the fuzz suite promises of each. */
async function checkBatches(batches: DecodedBatch[]): Promise<void> {
  const store = new LakeEventStore(new MemoryObjectStore());
  for (const batch of batches) {
    expect(batch.batchKey).toMatch(SAFE_BATCH_KEY);
    const summary = await ingestBatch(batch, store);
    expect(summary.received).toBeGreaterThanOrEqual(summary.written);
  }
  for (const record of batches.flatMap((batch) => batch.quarantined)) {
    expect(QuarantineRecordSchema.safeParse(record).success).toBe(true);
    expect(record.detail).toMatch(/\S/);
    expect(record.raw?.length ?? 0).toBeLessThanOrEqual(QUARANTINE_RAW_LIMIT);
  }
}

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe.each(Object.entries(TARGETS))('fuzzing the %s decoder', (_name, target) => {
  afterEach(expectNoPollution);

  it('survives a hostile value, deletion or key anywhere in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(mutationOf(target.outer), async (mutation) => checkBatches(target.decodeOuter(mutate(target.outer, mutation)))),
      { numRuns: 120 },
    );
  });
});

const CARRIERS = Object.entries(TARGETS).flatMap(([name, target]) => (target.inner ? [[name, target.inner] as const] : []));

describe.each(CARRIERS)('fuzzing the audit event inside the %s decoder', (_name, decodeInner) => {
  afterEach(expectNoPollution);

  it('survives a hostile value, deletion or key anywhere in the audit event', async () => {
    const event = EVENTS[1] as AuditEvent;
    await fc.assert(
      fc.asyncProperty(mutationOf(event), async (mutation) => checkBatches(decodeInner(mutate(event, mutation) as AuditEvent))),
      { numRuns: 120 },
    );
  });
});
