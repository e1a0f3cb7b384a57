/**
 * `__proto__`, `constructor` and `prototype` keys in every object of every envelope and of the
 * audit event itself: kept as data where the schema keeps keys, never reaching a prototype.
 */
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { aksRecord, auditEvent, auditLogLines, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT, eventHubBody, eventList } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { destinationRecordOf, eksFunction, testRuntime } from '../reliability/helpers/platforms.ts';

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** A copy of a JSON value with the hostile keys added, as own data properties, to every object in it that lacks them. */
function poisoned(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(poisoned);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  const define = (key: string, item: unknown) => Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  for (const [key, item] of Object.entries(value)) define(key, poisoned(item));
  for (const key of HOSTILE_KEYS) if (!Object.hasOwn(copy, key)) define(key, { polluted: 'yes', prototype: { polluted: 'yes' } });
  return copy;
}

/** The text of a JSON value with the hostile keys in every object. */
const poisonedText = (value: unknown) => JSON.stringify(poisoned(value));

/** An audit event whose annotations and user.extra hold the hostile keys with values of the right type. */
const EVENT = {
  ...auditEvent({ auditID: 'hostile-keys' }),
  annotations: JSON.parse('{"__proto__": "a", "constructor": "b", "authorization.k8s.io/decision": "allow"}') as unknown,
  user: JSON.parse('{"username": "alice", "extra": {"__proto__": ["x"], "constructor": ["y"]}}') as unknown,
};
const EVENT_TEXT = poisonedText(EVENT);

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Array.prototype).not.toHaveProperty('polluted');
  expect(Function.prototype).not.toHaveProperty('polluted');
}

/** Every stored event of a store in memory, read back from its objects. */
function storedEvents(objects: MemoryObjectStore): CanonicalEvent[] {
  return [...objects.objects]
    .filter(([key]) => key.startsWith('events/'))
    .flatMap(([, body]) => gunzipSync(body).toString('utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as CanonicalEvent);
}

const INPUTS: [string, string][] = [
  ['a CloudWatch subscription event', poisonedText(cloudWatchSubscriptionEvent(poisoned(cloudWatchPayload({ events: [EVENT_TEXT] })) as Record<string, unknown>))],
  ['a CloudWatch payload', poisonedText(cloudWatchPayload({ events: [EVENT_TEXT] }))],
  ['an Event Hubs body', poisonedText(eventHubBody([aksRecord(EVENT_TEXT)]))],
  ['an AKS record with the event as an object', poisonedText(aksRecord(poisoned(EVENT) as Record<string, unknown>, { logAs: 'object' }))],
  ['an EventList', poisonedText(eventList([poisoned(EVENT) as Record<string, unknown>]))],
  ['an audit log', auditLogLines([poisoned(EVENT) as Record<string, unknown>])],
  ['a Lambda destination record', poisonedText(destinationRecordOf(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [EVENT_TEXT] })), new Error('store down')))],
];

describe('hostile keys in every object position', () => {
  afterEach(() => expectNoPollution());

  it.each(INPUTS)('in %s: the event is stored, its key-value maps keep the keys verbatim, no prototype changes', async (_name, text) => {
    // Prepare
    const objects = new MemoryObjectStore();
    const detected = decodeInput(Buffer.from(text), { ...DECODER_CONTEXT, name: 'input', clusterName: 'onprem-dc1', clusterId: null });
    const batches = 'error' in detected ? [] : detected.batches;

    // Act
    const summaries = await Promise.all(batches.map((batch) => ingestBatch(batch, new LakeEventStore(objects))));

    // Assess
    expect(detected).not.toHaveProperty('error');
    expect(summaries.map((summary) => summary.written)).toEqual([1]);
    const [event] = storedEvents(objects);
    expect(Object.keys(event?.annotations ?? {}).sort()).toEqual(['__proto__', 'authorization.k8s.io/decision', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(event?.annotations, '__proto__')?.value).toBe('a');
    expect(Object.getOwnPropertyDescriptor(event?.user_extra, '__proto__')?.value).toEqual(['x']);
    expect(event).toMatchObject({ audit_id: 'hostile-keys', user_name: 'alice', authz_decision: 'allow' });
  });

  it('in a CloudWatch subscription event through the EKS function', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const event = JSON.parse(INPUTS[0]?.[1] ?? '{}') as CloudWatchLogsEvent;

    // Act
    const summary = await eksFunction(testRuntime(objects, 'eu-west-1'))(event, { awsRequestId: 'hostile' } as Context);

    // Assess
    expect(summary).toMatchObject({ received: 1, written: 1 });
  });
});
