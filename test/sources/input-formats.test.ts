import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type DetectedInput, decodeInput } from '../../shared/sources/input-formats.ts';
import {
  aksRecord,
  auditEvent,
  auditLogLines,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  DECODER_CONTEXT,
  eventHubBody,
  eventList,
  fixtureEvent,
  fixtureText,
} from '../helpers/audit-events.ts';

const CONTEXT = { ...DECODER_CONTEXT, name: '/data/input.json', clusterName: null, clusterId: null };
const EKS_EVENT = fixtureEvent('eks/sso-admin-get-aws-auth.json');
const AKS_EVENT = fixtureEvent('aks/masterclient-list-nodes.json');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function recordsOf(detected: DetectedInput): number {
  if ('error' in detected) throw new Error(`expected a decoded input, got the error: ${detected.error}`);
  return detected.batches.reduce((total, batch) => total + batch.records.length, 0);
}

describe('input format detection', () => {
  it.each([
    ['cloudwatch-subscription-event', json(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [EKS_EVENT, auditEvent()] }))), 2],
    ['cloudwatch-payload', json(cloudWatchPayload({ events: [EKS_EVENT] })), 1],
    ['eventhub-body', json(eventHubBody([aksRecord(AKS_EVENT), aksRecord(auditEvent())])), 2],
    ['eventhub-body-array', json([eventHubBody([aksRecord(AKS_EVENT)]), eventHubBody([aksRecord(auditEvent())])]), 2],
    ['aks-diagnostic-record', json(aksRecord(AKS_EVENT)), 1],
    ['audit-event-list', json(eventList([EKS_EVENT, AKS_EVENT, auditEvent()])), 3],
    ['audit-event', Buffer.from(JSON.stringify(AKS_EVENT, null, 2)), 1],
    ['audit-log', Buffer.from(fixtureText('self-managed/kube-apiserver-audit.log')), 3],
    ['envelope-lines', Buffer.from(`${JSON.stringify(cloudWatchPayload({ events: [EKS_EVENT] }))}\n${JSON.stringify(aksRecord(AKS_EVENT))}\n`), 2],
  ])('recognises %s', (format, data, records) => {
    // Act
    const detected = decodeInput(data, CONTEXT);

    // Assess
    expect(detected).toMatchObject({ format });
    expect(recordsOf(detected)).toBe(records);
  });

  it('reads gzip-compressed input', () => {
    // Prepare
    const data = gzipSync(JSON.stringify(eventHubBody([aksRecord(AKS_EVENT)])));

    // Act
    const detected = decodeInput(data, CONTEXT);

    // Assess
    expect(detected).toMatchObject({ format: 'eventhub-body' });
    expect(recordsOf(detected)).toBe(1);
  });

  it('keeps audit lines of a mixed file in one batch keyed by the file and each envelope in its own', () => {
    // Prepare
    const text = `${JSON.stringify(auditEvent())}\n${JSON.stringify(aksRecord(AKS_EVENT))}\n${JSON.stringify(EKS_EVENT)}\n`;

    // Act
    const detected = decodeInput(Buffer.from(text), CONTEXT);

    // Assess
    if ('error' in detected) throw new Error(detected.error);
    expect(detected.batches.map((batch) => batch.records.map((record) => record.provenance.platform))).toEqual([['self_managed', 'self_managed'], ['aks']]);
    expect(detected.batches[0]?.records.map((record) => record.provenance.source_offset)).toEqual(['1', '3']);
  });

  it('names self-managed events after the configured cluster and the input', () => {
    // Act
    const detected = decodeInput(Buffer.from(auditLogLines([auditEvent()])), { ...CONTEXT, clusterName: 'onprem-dc1', clusterId: 'onprem-dc1' });

    // Assess
    if ('error' in detected) throw new Error(detected.error);
    expect(detected.batches[0]?.records[0]?.provenance).toMatchObject({ cluster_name: 'onprem-dc1', cluster_id: 'onprem-dc1', source_stream: '/data/input.json' });
  });

  it.each([
    ['a CloudWatch subscription event', json(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [EKS_EVENT] })))],
    ['a CloudWatch payload', json(cloudWatchPayload({ events: [EKS_EVENT] }))],
    ['a CloudWatch payload line', Buffer.from(`${JSON.stringify(auditEvent())}\n${JSON.stringify(cloudWatchPayload({ events: [EKS_EVENT] }))}\n`)],
  ])('refuses %s without a region as a usage error, since the cluster id needs it', (_name, data) => {
    // Act
    const detected = decodeInput(data, { ...CONTEXT, region: null });

    // Assess
    expect(detected).toMatchObject({ usage: true });
    expect((detected as { error: string }).error).toContain('EKS input needs --region');
  });

  it.each([
    ['empty input', Buffer.from('  \n'), 'input is empty'],
    ['plain text', Buffer.from('Nov 20 09:14:02 ip-10-0-42-17 kubelet[2231]: started'), 'not JSON'],
    ['JSON of no known format', json({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' } }), 'unrecognised JSON'],
    ['an empty JSON array', Buffer.from('[]'), 'unrecognised JSON'],
    ['an array of audit events', json([EKS_EVENT, AKS_EVENT]), 'unrecognised JSON'],
    ['a gzip stream cut short', gzipSync(JSON.stringify(eventList([EKS_EVENT]))).subarray(0, 40), 'gzip input could not be decompressed'],
  ])('reports %s as an error naming what was expected', (_name, data, message) => {
    // Act
    const detected = decodeInput(data, CONTEXT);

    // Assess
    expect(detected).toHaveProperty('error');
    expect((detected as { error: string }).error).toContain(message);
  });
});
