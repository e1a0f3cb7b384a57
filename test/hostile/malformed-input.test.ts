/**
 * Input of the right shape with the wrong contents: invalid UTF-8, numbers where strings belong,
 * and batches with nothing in them. Every record comes out written or quarantined with a reason.
 */
import { gzipSync } from 'node:zlib';
import { InvocationContext } from '@azure/functions';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import { processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeAuditEventList, decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT, eventHubBody, eventHubMessages, eventList } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { aksFunction, eksFunction, testRuntime, triggerMetadataFor } from '../reliability/helpers/platforms.ts';

const context = { ...DECODER_CONTEXT, clusterName: 'onprem-dc1' };
const INVALID_UTF8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]);

/** The bytes of `text` with invalid UTF-8 where it says MARK: in these tests, inside the audit event's user agent string. */
function withInvalidUtf8(text: string): Buffer {
  const [before, after] = text.split('MARK') as [string, string];
  return Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]);
}
const MARKED_EVENT = auditEvent({ userAgent: 'MARK' });

describe('invalid UTF-8', () => {
  it.each<[string, () => DecodedBatch]>([
    [
      'in a CloudWatch log event',
      () =>
        decodeCloudWatchSubscription({ awslogs: { data: gzipSync(withInvalidUtf8(JSON.stringify(cloudWatchPayload({ events: [MARKED_EVENT] })))).toString('base64') } }, context),
    ],
    [
      'in an Event Hubs message body given as bytes',
      () => decodeEventHubMessages(eventHubMessages([withInvalidUtf8(JSON.stringify(eventHubBody([aksRecord(MARKED_EVENT)])))]), context),
    ],
    ['in an audit log line', () => decodeAuditLogLines(withInvalidUtf8(JSON.stringify(MARKED_EVENT)).toString('utf8'), context)],
  ])('%s: the event is kept, with U+FFFD for the bytes', (_name, decode) => {
    // Act
    const processed = processBatch(decode());

    // Assess: the event is kept, the bytes it could not read replaced as WHATWG decoding does.
    expect(processed.summary).toMatchObject({ received: 1, written: 0, quarantined: 0 });
    expect(processed.events[0]?.user_agent).toMatch(/^\uFFFD\(\uFFFD+$/);
  });

  it('outside any string makes the audit log line invalid_json, kept in quarantine', () => {
    // Prepare
    const line = Buffer.concat([Buffer.from('{"kind":"Event",'), INVALID_UTF8, Buffer.from('"auditID":"a"}')]).toString('utf8');

    // Act
    const processed = processBatch(decodeAuditLogLines(line, context));

    // Assess
    expect(processed.quarantined).toMatchObject([{ reason: 'invalid_json', raw: line }]);
  });
});

describe('numbers where strings belong', () => {
  it.each<[string, () => DecodedBatch, string]>([
    ['CloudWatch logGroup', () => decodeCloudWatchPayload({ ...cloudWatchPayload({ events: [auditEvent()] }), logGroup: 42 }, context), 'invalid_payload'],
    ['CloudWatch messageType', () => decodeCloudWatchPayload({ ...cloudWatchPayload({ events: [auditEvent()] }), messageType: 1 }, context), 'invalid_payload'],
    ['CloudWatch awslogs.data', () => decodeCloudWatchSubscription({ awslogs: { data: 12345 } }, context), 'invalid_payload'],
    [
      'CloudWatch logEvents[].message',
      () => decodeCloudWatchPayload({ ...cloudWatchPayload({ events: [] }), logEvents: [{ id: '1', timestamp: 1, message: 42 }] }, context),
      'invalid_record',
    ],
    ['AKS category', () => decodeEventHubMessages(eventHubMessages([eventHubBody([{ ...aksRecord(auditEvent()), category: 7 }])]), context), 'invalid_record'],
    ['AKS properties.log', () => decodeEventHubMessages(eventHubMessages([eventHubBody([{ ...aksRecord(auditEvent()), properties: { log: 12 } }])]), context), 'invalid_record'],
    ['audit event auditID', () => decodeAuditLogLines(JSON.stringify(auditEvent({ auditID: 123 })), context), 'invalid_event'],
    ['audit event stage', () => decodeAuditLogLines(JSON.stringify(auditEvent({ stage: 3 })), context), 'invalid_event'],
    ['audit event kind', () => decodeAuditLogLines(JSON.stringify(auditEvent({ kind: 1 })), context), 'not_audit_event'],
    ['EventList items', () => [...decodeAuditEventList({ ...eventList([]), items: 5 }, context, 'file-list')][0] as DecodedBatch, 'invalid_payload'],
  ])('in %s: quarantined as %s', (_name, decode, reason) => {
    // Act
    const processed = processBatch(decode());

    // Assess
    expect(processed.events).toEqual([]);
    expect(processed.quarantined).toMatchObject([{ reason }]);
    expect(processed.quarantined[0]?.detail).not.toBe('');
  });

  it.each([
    ['user.username', { user: { username: 5 } }, 'user.username: expected string, got number', { user_name: null }],
    ['verb', { verb: 7 }, 'verb: expected string, got number', { verb: null }],
    ['user.groups items', { user: { username: 'alice', groups: ['dev', 1, 2] } }, 'user.groups: dropped 2 non-string item(s)', { user_groups: ['dev'] }],
    ['stageTimestamp', { stageTimestamp: 1_795_701_787 }, 'stageTimestamp: expected string, got number', { time: '2026-11-20T14:05:00.000Z' }],
    [
      'annotations values',
      { annotations: { 'authorization.k8s.io/decision': 1 } },
      'annotations.authorization.k8s.io/decision: expected string, got number',
      { authz_decision: null },
    ],
  ])('in the audit event’s %s: the event is kept, the field null, with a parse warning', (_name, overrides, warning, fields) => {
    // Act
    const processed = processBatch(decodeAuditLogLines(JSON.stringify(auditEvent(overrides)), context));

    // Assess
    expect(processed.events).toHaveLength(1);
    expect(processed.events[0]).toMatchObject(fields);
    expect(processed.events[0]?.parse_warnings).toContain(warning);
  });
});

describe('empty batches', () => {
  it.each<[string, () => DecodedBatch]>([
    ['an Event Hubs body {"records":[]}', () => decodeEventHubMessages(eventHubMessages([JSON.stringify({ records: [] })]), context)],
    ['no Event Hubs messages at all', () => decodeEventHubMessages([], context)],
    ['a CloudWatch payload with zero logEvents', () => decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [] })), context)],
    ['an EventList with no items', () => [...decodeAuditEventList(eventList([]), context, 'file-list')][0] as DecodedBatch],
    ['an audit log of blank lines', () => decodeAuditLogLines('\n\r\n   \n', context)],
  ])('%s: nothing received, nothing stored', (_name, decode) => {
    // Act
    const processed = processBatch(decode());

    // Assess
    expect(processed.summary).toEqual({ received: 0, written: 0, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
    expect(processed.events).toEqual([]);
    expect(processed.quarantined).toEqual([]);
  });

  it('through the EKS function: returns normally and writes no object', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [] })) as unknown as CloudWatchLogsEvent;

    // Act
    const summary = await eksFunction(testRuntime(objects, 'eu-west-1'))(event, { awsRequestId: 'empty' } as Context);

    // Assess
    expect(summary.received).toBe(0);
    expect(objects.objects.size).toBe(0);
  });

  it('through the AKS function: returns normally and writes no object', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const bodies = [JSON.stringify({ records: [] })];
    const invocation = new InvocationContext({ triggerMetadata: triggerMetadataFor(bodies, 1) as Record<string, unknown>, logHandler: () => undefined });

    // Act
    const summary = await aksFunction(testRuntime(objects, 'westeurope'), new MemoryObjectStore())(bodies, invocation);

    // Assess
    expect(summary.received).toBe(0);
    expect(objects.objects.size).toBe(0);
  });
});
