/**
 * Whatever arrives, the pipeline neither throws nor loses count: every record received is
 * written, a duplicate, skipped or quarantined.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import type { IngestSummary } from '../../shared/core/ingest-summary.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { decodeAuditEventList, decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import {
  type AuditEvent,
  aksRecord,
  auditEvent,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  DECODER_CONTEXT,
  eventHubBody,
  eventHubMessages,
  eventList,
  fixtureEvent,
  fixtureText,
} from '../helpers/audit-events.ts';
import { MemoryObjectStore, temporaryFileStore } from '../helpers/lake.ts';

const CONTEXT = { ...DECODER_CONTEXT, clusterName: 'onprem-dc1', name: '/data/input.json', clusterId: null };

/** Every decoder, fed one input. */
const DECODERS: Record<string, (input: unknown) => DecodedBatch[]> = {
  cloudwatchSubscription: (input) => [decodeCloudWatchSubscription(input, CONTEXT)],
  cloudwatchPayload: (input) => [decodeCloudWatchPayload(input, CONTEXT)],
  eventhub: (input) => [decodeEventHubMessages(eventHubMessages([input]), CONTEXT)],
  eventList: (input) => [...decodeAuditEventList(input, CONTEXT, 'file-property')],
  auditLog: (input) => [decodeAuditLogLines(typeof input === 'string' ? input : (JSON.stringify(input) ?? ''), CONTEXT)],
  detectInput: (input) => {
    const detected = decodeInput(Buffer.isBuffer(input) ? input : Buffer.from(typeof input === 'string' ? input : (JSON.stringify(input) ?? '')), CONTEXT);
    return 'error' in detected ? [] : detected.batches;
  },
};

/** Runs the whole pipeline into a store in memory and checks the counting identity of each batch. */
async function ingestAndAccount(batches: DecodedBatch[]): Promise<IngestSummary[]> {
  const store = new LakeEventStore(new MemoryObjectStore());
  const summaries: IngestSummary[] = [];
  for (const batch of batches) {
    const summary = await ingestBatch(batch, store);
    expect(summary.received).toBe(summary.written + summary.duplicates + summary.skipped + summary.quarantined);
    summaries.push(summary);
  }
  return summaries;
}

const BASE_EVENTS: AuditEvent[] = [
  auditEvent(),
  fixtureEvent('eks/sso-admin-get-aws-auth.json'),
  fixtureEvent('eks/service-account-watch-endpointslices.json'),
  fixtureEvent('aks/aad-user-forbidden-delete-namespace.json'),
  fixtureEvent('aks/node-update-lease.json'),
];
const baseEvent = fc.constantFrom(...BASE_EVENTS);
const truncatedTexts = [fixtureText('eks/truncated-configmap-update.txt'), fixtureText('aks/truncated-configmap-create.txt')];

/** An audit event's text in each envelope that carries one. */
const ENVELOPES: Record<string, (text: string) => unknown> = {
  cloudwatchSubscription: (text) => cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [text] })),
  eventhub: (text) => eventHubBody([aksRecord(text)]),
  auditLog: (text) => text,
};

/** Every path to a value inside a JSON value, e.g. ['user', 'groups', 0]. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_item, index) => index) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

/** A copy of `event` with the value at `path` replaced. */
function withValueAt(event: AuditEvent, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(event) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path.at(-1) as string | number] = value;
  return copy;
}

/** Strings of any UTF-16 code units, lone surrogates and control characters included. */
const anyCodeUnits = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const retyped = baseEvent.chain((event) => fc.tuple(fc.constant(event), fc.constantFrom(...pathsOf(event)), fc.jsonValue({ stringUnit: anyCodeUnits })));

function flipBytes(data: Buffer, flips: { at: number; xor: number }[]): Buffer {
  const copy = Buffer.from(data);
  if (copy.length === 0) return copy;
  for (const { at, xor } of flips) copy.writeUInt8(copy.readUInt8(at % copy.length) ^ xor, at % copy.length);
  return copy;
}
const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 8 });

describe.each(Object.entries(DECODERS))('pipeline through the %s decoder', (_name, decode) => {
  it('accounts for every record of random JSON', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => void (await ingestAndAccount(decode(value)))));
  });

  it('accounts for every record of random text', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary' }), async (text) => void (await ingestAndAccount(decode(text)))));
  });

  it('accounts for every record of random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => void (await ingestAndAccount(decode(Buffer.from(bytes))))));
  });
});

describe('pipeline on random payloads inside valid envelopes', () => {
  it('accounts for random base64 and random gzip in awslogs.data', async () => {
    const data = fc.oneof(
      fc.base64String(),
      fc.uint8Array({ maxLength: 512 }).map((bytes) => gzipSync(bytes).toString('base64')),
      fc.jsonValue().map((value) => gzipSync(JSON.stringify(value)).toString('base64')),
    );
    await fc.assert(fc.asyncProperty(data, async (base64) => void (await ingestAndAccount([decodeCloudWatchSubscription({ awslogs: { data: base64 } }, CONTEXT)]))));
  });

  it('accounts for random log events in a CloudWatch payload', async () => {
    const logEvents = fc.array(
      fc.oneof(fc.jsonValue(), fc.record({ id: fc.string(), timestamp: fc.oneof(fc.integer(), fc.double()), message: fc.oneof(fc.string(), fc.jsonValue()) })),
    );
    await fc.assert(
      fc.asyncProperty(logEvents, async (events) => {
        const payload = { ...cloudWatchPayload({ events: [] }), logEvents: events };
        await ingestAndAccount([decodeCloudWatchPayload(payload, CONTEXT)]);
      }),
    );
  });

  it('accounts for random records and random properties.log in an Event Hubs body', async () => {
    const record = fc.oneof(
      fc.jsonValue(),
      fc.jsonValue().map((log) => ({ ...aksRecord(''), properties: { log } })),
      fc.string().map((log) => aksRecord(log)),
    );
    await fc.assert(fc.asyncProperty(fc.array(record), async (records) => void (await ingestAndAccount([decodeEventHubMessages(eventHubMessages([{ records }]), CONTEXT)]))));
  });

  it('accounts for random items in an EventList', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue()),
        async (items) => void (await ingestAndAccount([...decodeAuditEventList(eventList(items as AuditEvent[]), CONTEXT, 'file-property')])),
      ),
    );
  });
});

describe('pipeline on mutated valid payloads', () => {
  it.each(Object.entries(ENVELOPES))('makes an event cut at any point in %s exactly one event or one quarantine record', async (name, envelope) => {
    const cutEvents = baseEvent.map((event) => JSON.stringify(event)).chain((text) => fc.integer({ min: 1, max: text.length }).map((length) => text.slice(0, length)));
    await fc.assert(
      fc.asyncProperty(cutEvents, async (cut) => {
        const [summary] = await ingestAndAccount(DECODERS[name]!(envelope(cut)));
        expect(summary?.received).toBe(1);
      }),
    );
  });

  it('accounts for the truncated fixtures cut again at any point and marked by EKS', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...truncatedTexts), fc.nat(), fc.boolean(), async (text, at, marked) => {
        const cut = `${text.slice(0, at % (text.length + 1))}${marked ? '[Truncated...]' : ''}`;
        await ingestAndAccount(DECODERS.cloudwatchSubscription!(ENVELOPES.cloudwatchSubscription!(cut)));
      }),
    );
  });

  it('accounts for a CloudWatch subscription event with its JSON, its base64 or its compressed bytes cut short', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(baseEvent, { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('json', 'base64', 'gzip'),
        async (events, fraction, layer) => {
          const json = JSON.stringify(cloudWatchPayload({ events }));
          const cut = (text: string) => text.slice(0, Math.floor(text.length * fraction));
          const gzip = gzipSync(layer === 'json' ? cut(json) : json);
          const data = layer === 'gzip' ? gzip.subarray(0, Math.floor(gzip.length * fraction)).toString('base64') : gzip.toString('base64');
          await ingestAndAccount([decodeCloudWatchSubscription({ awslogs: { data: layer === 'base64' ? cut(data) : data } }, CONTEXT)]);
        },
      ),
    );
  });

  it('accounts for flipped bytes in compressed CloudWatch data, in an Event Hubs body and in an event text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(baseEvent, { minLength: 1, maxLength: 4 }), flips, async (events, changes) => {
        const gzip = gzipSync(JSON.stringify(cloudWatchPayload({ events })));
        const body = Buffer.from(JSON.stringify(eventHubBody(events.map((event) => aksRecord(event)))));
        const text = flipBytes(Buffer.from(JSON.stringify(events[0])), changes).toString('utf8');
        await ingestAndAccount([
          decodeCloudWatchSubscription({ awslogs: { data: flipBytes(gzip, changes).toString('base64') } }, CONTEXT),
          decodeEventHubMessages(eventHubMessages([flipBytes(body, changes)]), CONTEXT),
          ...Object.entries(ENVELOPES).flatMap(([name, envelope]) => DECODERS[name]!(envelope(text))),
        ]);
      }),
    );
  });

  it.each(Object.entries(ENVELOPES))('makes an event with any field changed to any JSON in %s exactly one event or one quarantine record', async (name, envelope) => {
    await fc.assert(
      fc.asyncProperty(retyped, async ([event, path, value]) => {
        const [summary] = await ingestAndAccount(DECODERS[name]!(envelope(JSON.stringify(withValueAt(event, path, value)))));
        expect(summary?.received).toBe(1);
      }),
    );
  });

  it('accounts for an AKS record with any field changed to any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(baseEvent, fc.jsonValue(), async (event, value) => {
        const record = aksRecord(event);
        const paths = pathsOf(record).filter((path) => path[0] !== 'properties' || path.length <= 2);
        for (const path of paths)
          await ingestAndAccount([decodeEventHubMessages(eventHubMessages([eventHubBody([withValueAt(record, path, value) as Record<string, unknown>])]), CONTEXT)]);
      }),
      { numRuns: 20 },
    );
  });

  it('stores every event and quarantine record, whatever its fields hold, as rows the query engine reads', async () => {
    // Prepare
    const lake = await temporaryFileStore();
    onTestFinished(() => lake.cleanup());
    const store = new LakeEventStore(new FileObjectStore(lake.url));
    let written = 0;

    // Act
    await fc.assert(
      fc.asyncProperty(retyped, fc.string({ unit: anyCodeUnits }), async ([event, path, value], text) => {
        const mutated = JSON.stringify(withValueAt(event, path, value));
        for (const [name, envelope] of Object.entries(ENVELOPES)) {
          for (const batch of DECODERS[name]!(envelope(mutated))) written += (await ingestBatch(batch, store)).written;
          for (const batch of DECODERS[name]!(envelope(text))) written += (await ingestBatch(batch, store)).written;
        }
      }),
    );
    const query = await LakeQuery.open(lake.root);
    const read = await Promise.all([query.run('SELECT * FROM events_all'), query.run('SELECT * FROM quarantine')]).finally(() => query.close());

    // Assess
    expect(read[0].rows).toHaveLength(written);
    expect(read[1].rows.length).toBeGreaterThan(0);
  });
});
