/**
 * The three limits: configurable by environment, refused clearly when malformed, and honoured by
 * every decoder with a `limit_exceeded` quarantine record whose detail names the limit.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { limitsOf } from '../../shared/config/config-views.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import { DEFAULT_LIMITS, type Limits } from '../../shared/core/limits.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import {
  aksRecord,
  auditEvent,
  auditLogLines,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  DECODER_CONTEXT,
  eventHubBody,
  eventHubMessages,
  eventList,
} from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';

describe('limitsOf', () => {
  it('gives the defaults when nothing is set, or a variable is empty', () => {
    // Act
    const limits = limitsOf(configFromEnv({ KAUDIT_MAX_EVENT_BYTES: '' }));

    // Assess
    expect(limits).toEqual({ maxDecodedBytes: 64 * 1024 * 1024, maxEventBytes: 4 * 1024 * 1024, maxRecordsPerBatch: 100_000 });
  });

  it('takes each limit from its variable', () => {
    // Act
    const limits = limitsOf(configFromEnv({ KAUDIT_MAX_DECODED_BYTES: '1048576', KAUDIT_MAX_EVENT_BYTES: '262144', KAUDIT_MAX_RECORDS_PER_BATCH: '10000' }));

    // Assess
    expect(limits).toEqual({ maxDecodedBytes: 1_048_576, maxEventBytes: 262_144, maxRecordsPerBatch: 10_000 });
  });

  it.each([
    ['KAUDIT_MAX_EVENT_BYTES', '4MB', 'KAUDIT_MAX_EVENT_BYTES: expected a positive whole number of bytes, got "4MB"'],
    ['KAUDIT_MAX_EVENT_BYTES', '0', 'KAUDIT_MAX_EVENT_BYTES: expected a positive whole number of bytes, got "0"'],
    ['KAUDIT_MAX_RECORDS_PER_BATCH', '-1', 'KAUDIT_MAX_RECORDS_PER_BATCH: expected a positive whole number, got "-1"'],
    ['KAUDIT_MAX_RECORDS_PER_BATCH', '2.5', 'KAUDIT_MAX_RECORDS_PER_BATCH: expected a positive whole number, got "2.5"'],
    ['KAUDIT_MAX_DECODED_BYTES', '1e400', 'KAUDIT_MAX_DECODED_BYTES: expected a positive whole number of bytes, at most 4294967296 (the largest Buffer), got "1e400"'],
    ['KAUDIT_MAX_DECODED_BYTES', '17179869184', 'KAUDIT_MAX_DECODED_BYTES: expected a positive whole number of bytes, at most 4294967296 (the largest Buffer), got "17179869184"'],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    // Act
    const read = () => limitsOf(configFromEnv({ [name]: value }));

    // Assess
    expect(read).toThrow(message);
  });
});

const TINY: Limits = { maxDecodedBytes: 2_000, maxEventBytes: 1_000, maxRecordsPerBatch: 2 };
const context = { ...DECODER_CONTEXT, limits: TINY, clusterName: 'onprem-dc1' };
const LONG_EVENT = auditEvent({ requestObject: { data: 'x'.repeat(1_500) } });
const SMALL = [auditEvent({ auditID: 'a-1' }), auditEvent({ auditID: 'a-2' }), auditEvent({ auditID: 'a-3' })];

describe('every decoder honours every limit', () => {
  it.each<[string, () => DecodedBatch, RegExp]>([
    [
      'CloudWatch subscription: decompressed payload',
      () => decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [LONG_EVENT, LONG_EVENT] })), context),
      /^awslogs\.data could not be decompressed: decompressed size exceeds the limit of 2000 bytes; raw is the text the data inflates to before that point \(\d+ bytes\), not the data$/,
    ],
    [
      'CloudWatch payload: event size',
      () => decodeCloudWatchPayload(cloudWatchPayload({ events: [LONG_EVENT] }), context),
      /^logEvents\[0\]\.message: \d+ characters exceeds the event size limit of 1000$/,
    ],
    [
      'CloudWatch payload: records per batch',
      () => decodeCloudWatchPayload(cloudWatchPayload({ events: SMALL }), context),
      /^logEvents holds 3 log events, over the limit of 2 per batch$/,
    ],
    [
      'Event Hubs: body size',
      () => decodeEventHubMessages(eventHubMessages([JSON.stringify(eventHubBody([aksRecord(LONG_EVENT), aksRecord(LONG_EVENT)]))]), context),
      /^message 0: body exceeds the payload limit of 2000 bytes$/,
    ],
    [
      'Event Hubs: event size',
      () => decodeEventHubMessages(eventHubMessages([eventHubBody([aksRecord(LONG_EVENT)])]), context),
      /properties\.log is \d+ characters, over the event size limit of 1000$/,
    ],
    [
      'Event Hubs: records per message',
      () => decodeEventHubMessages(eventHubMessages([eventHubBody(SMALL.map((event) => aksRecord(event)))]), context),
      /^message 0: 3 records exceed the limit of 2$/,
    ],
    ['audit log: event size', () => decodeAuditLogLines(auditLogLines([LONG_EVENT]), context), /^line 1: \d+ characters exceeds the event size limit of 1000$/],
  ])('%s → limit_exceeded', (_name, decode, detail) => {
    // Act
    const batch = decode();

    // Assess
    expect(batch.quarantined).toHaveLength(1);
    expect(batch.quarantined[0]).toMatchObject({ reason: 'limit_exceeded', detail: expect.stringMatching(detail) });
  });

  it('refuses a gzip input to kaudit ingest that inflates past the decoded-size limit, naming the limit', () => {
    // Act
    const detected = decodeInput(gzipSync(JSON.stringify(eventList([LONG_EVENT, LONG_EVENT]))), { ...context, name: 'big.json.gz', clusterId: null });

    // Assess
    expect(detected).toEqual({ error: 'gzip input could not be decompressed: decompressed size exceeds the limit of 2000 bytes' });
  });

  const FIVE_EVENTS = [...SMALL, auditEvent({ auditID: 'a-4' }), auditEvent({ auditID: 'a-5' })];

  it.each([
    ['an audit log', 'audit.log', auditLogLines(FIVE_EVENTS)],
    ['an EventList', 'events.json', JSON.stringify(eventList(FIVE_EVENTS))],
  ])('stores %s longer than the records limit as several batches, each idempotent on its own', async (_name, name, input) => {
    // Prepare
    const store = new LakeEventStore(new MemoryObjectStore());
    const decode = () => {
      const detected = decodeInput(Buffer.from(input), { ...context, limits: { ...DEFAULT_LIMITS, maxRecordsPerBatch: 2 }, name, clusterId: null });
      return 'error' in detected ? [] : detected.batches;
    };

    // Act
    const batches = decode();
    const first = await Promise.all(batches.map((batch) => ingestBatch(batch, store)));
    const again = await Promise.all(decode().map((batch) => ingestBatch(batch, store)));

    // Assess
    const key = batches[0]?.batchKey;
    expect(batches.map((batch) => batch.batchKey)).toEqual([key, `${key}-1`, `${key}-2`]);
    expect(batches.map((batch) => batch.records.length)).toEqual([2, 2, 1]);
    expect(first.map((summary) => summary.written)).toEqual([2, 2, 1]);
    expect(again.map((summary) => summary.duplicates)).toEqual([2, 2, 1]);
  });
});
