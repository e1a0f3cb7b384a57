import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCloudWatchPayload } from '../../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../../shared/sources/cloudwatch/subscription-envelope.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT, fixtureEvent } from '../../helpers/audit-events.ts';

const SSO_ADMIN = fixtureEvent('eks/sso-admin-get-aws-auth.json');
const NODE = fixtureEvent('eks/node-patch-node-status.json');

describe('CloudWatch Logs subscription decoder', () => {
  it.each(['gzip', 'zlib'] as const)('reads awslogs.data compressed with %s', (compression) => {
    // Prepare
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [SSO_ADMIN, NODE] }), compression);

    // Act
    const batch = decodeCloudWatchSubscription(event, DECODER_CONTEXT);

    // Assess
    expect(batch.records.map((record) => record.text)).toEqual([JSON.stringify(SSO_ADMIN), JSON.stringify(NODE)]);
    expect(batch.quarantined).toEqual([]);
  });

  it('skips a CONTROL_MESSAGE and counts it', () => {
    // Prepare
    const control = cloudWatchPayload({
      messageType: 'CONTROL_MESSAGE',
      logGroup: '',
      logStream: '',
      owner: 'CloudwatchLogs',
      events: [{ id: '', timestamp: Date.parse('2026-11-20T09:14:00.000Z'), message: 'CWL CONTROL MESSAGE: Checking health of destination Lambda.' }],
    });

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(control), DECODER_CONTEXT);

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined).toEqual([]);
    expect(batch.skipped).toEqual({ control_message: 1 });
  });

  it.each([
    'authenticator-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
    'kube-apiserver-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
    'kube-controller-manager-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
    'kube-scheduler-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
    'cloud-controller-manager-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
  ])('skips every log event of the non-audit stream %s, counted as not_audit_stream', (logStream) => {
    // Prepare
    const payload = cloudWatchPayload({
      logStream,
      events: ['I1120 09:14:02.118443  11 log.go:245] some control plane log line', 'I1120 09:14:02.2 another line', 'E1120 09:14:03.0 a third'],
    });

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), DECODER_CONTEXT);

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined).toEqual([]);
    expect(batch.skipped).toEqual({ not_audit_stream: 3 });
  });

  it('takes the cluster name from the log group, the account from owner and the region from the context', () => {
    // Prepare
    const payload = cloudWatchPayload({ logGroup: '/aws/eks/payments-prod/cluster', owner: '210987654321', events: [SSO_ADMIN] });

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), { ...DECODER_CONTEXT, region: 'ap-southeast-2' });

    // Assess
    expect(batch.records[0]?.provenance).toMatchObject({
      platform: 'eks',
      cloud_provider: 'aws',
      cluster_name: 'payments-prod',
      cloud_account_id: '210987654321',
      cloud_region: 'ap-southeast-2',
      cluster_id: 'arn:aws:eks:ap-southeast-2:210987654321:cluster/payments-prod',
    });
  });

  it('leaves the cluster id null when the region is not known', () => {
    // Prepare
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [SSO_ADMIN] }));

    // Act
    const batch = decodeCloudWatchSubscription(event, { ...DECODER_CONTEXT, region: null });

    // Assess
    expect(batch.records[0]?.provenance).toMatchObject({ cluster_name: 'prod-eu', cluster_id: null, cloud_region: null });
  });

  it('leaves the cluster unnamed when the log group is not an EKS control-plane group', () => {
    // Prepare
    const payload = cloudWatchPayload({ logGroup: '/custom/kube-apiserver/audit', events: [SSO_ADMIN] });

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), DECODER_CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance).toMatchObject({ cluster_name: null, cluster_id: null, cloud_account_id: '123456789012' });
  });

  it('records stream, category, log event id, index and timestamp of each log event', () => {
    // Prepare
    const payload = cloudWatchPayload({
      logStream: 'kube-apiserver-audit-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      events: [
        { id: '38162910201384756201847562018475620184756201847562018400', timestamp: Date.parse('2026-11-20T09:14:02.125Z'), message: JSON.stringify(SSO_ADMIN) },
        { id: '38162910201384756201847562018475620184756201847562018401', timestamp: Date.parse('2026-11-20T09:14:05.010Z'), message: JSON.stringify(NODE) },
      ],
    });

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), DECODER_CONTEXT);

    // Assess
    expect(batch.records.map((record) => record.provenance)).toMatchObject([
      {
        source_type: 'cloudwatch_subscription',
        source_stream: '/aws/eks/prod-eu/cluster/kube-apiserver-audit-9f8e7d6c5b4a39281706f5e4d3c2b1a0',
        source_category: 'kube-apiserver-audit',
        source_record_id: '38162910201384756201847562018475620184756201847562018400',
        source_record_index: 0,
        source_time: '2026-11-20T09:14:02.125Z',
        ingest_time: DECODER_CONTEXT.ingestTime,
      },
      { source_record_id: '38162910201384756201847562018475620184756201847562018401', source_record_index: 1, source_time: '2026-11-20T09:14:05.010Z' },
    ]);
  });

  it.each([8.64e15, -62_198_755_200_001, Number.NaN])('leaves source_time null for the timestamp %s, outside the years 0000 to 9999', (timestamp) => {
    // Prepare
    const payload = cloudWatchPayload({ events: [{ id: '38162910201384756201847562018475620184756201847562018400', timestamp, message: JSON.stringify(SSO_ADMIN) }] });

    // Act
    const batch = decodeCloudWatchPayload(payload, DECODER_CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance.source_time).toBeNull();
  });

  it('derives the batch key from log group, stream and first and last log event id, so a redelivery has the same key', () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [SSO_ADMIN, NODE] });
    const otherStream = cloudWatchPayload({ logStream: 'kube-apiserver-audit-00112233445566778899aabbccddeeff', events: [SSO_ADMIN, NODE] });

    // Act
    const first = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload, 'gzip'), DECODER_CONTEXT);
    const redelivered = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload, 'zlib'), { ...DECODER_CONTEXT, ingestTime: '2026-11-20T14:09:31.000Z' });
    const other = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(otherStream), DECODER_CONTEXT);

    // Assess
    expect(first.batchKey).toMatch(/^cwl-[0-9a-f]{32}$/);
    expect(redelivered.batchKey).toBe(first.batchKey);
    expect(other.batchKey).not.toBe(first.batchKey);
  });

  it('ignores the optional policyLevel field of newer payloads', () => {
    // Prepare
    const payload = { ...cloudWatchPayload({ events: [SSO_ADMIN] }), policyLevel: 'ACCOUNT_LEVEL_POLICY' };

    // Act
    const batch = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), DECODER_CONTEXT);

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.quarantined).toEqual([]);
  });

  it.each([
    ['data that is not base64', { awslogs: { data: 'H4sI!!not*base64' } }, 'awslogs.data is not base64'],
    ['base64 of neither gzip nor zlib', { awslogs: { data: Buffer.from('{"messageType":"DATA_MESSAGE"}').toString('base64') } }, 'could not be decompressed: not gzip or zlib'],
    [
      'a gzip stream cut short',
      {
        awslogs: {
          data: gzipSync(JSON.stringify(cloudWatchPayload({ events: [SSO_ADMIN] })))
            .subarray(0, 60)
            .toString('base64'),
        },
      },
      'could not be decompressed',
    ],
    ['gzip of text that is not JSON', { awslogs: { data: gzipSync('kube-apiserver-audit: plain text').toString('base64') } }, 'decompressed awslogs.data is not JSON'],
    ['gzip of JSON of the wrong shape', cloudWatchSubscriptionEvent({ records: [SSO_ADMIN] }), 'expected a CloudWatch Logs payload'],
    ['an event without awslogs', { Records: [{ eventSource: 'aws:sqs' }] }, 'expected a CloudWatch Logs subscription event'],
  ])('quarantines %s as one invalid_payload record instead of throwing', (_name, event, detail) => {
    // Act
    const batch = decodeCloudWatchSubscription(event, DECODER_CONTEXT);

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined).toHaveLength(1);
    expect(batch.quarantined[0]).toMatchObject({ reason: 'invalid_payload', platform: 'eks', cloud_region: 'eu-west-1' });
    expect(batch.quarantined[0]?.detail).toContain(detail);
  });

  it('quarantines a payload that inflates past the decompression limit, naming the limit', () => {
    // Prepare
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent({ requestObject: { data: 'x'.repeat(50_000) } })] }));

    // Act
    const batch = decodeCloudWatchSubscription(event, { ...DECODER_CONTEXT, limits: { ...DECODER_CONTEXT.limits, maxDecodedBytes: 10_000 } });

    // Assess
    expect(batch.quarantined).toHaveLength(1);
    expect(batch.quarantined[0]?.detail).toContain('decompressed size exceeds the limit of 10000 bytes');
  });

  it('quarantines a log event without a message string alone and decodes the others', () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [SSO_ADMIN, NODE] });
    (payload.logEvents as Record<string, unknown>[])[0] = {
      id: '38162910201384756201847562018475620184756201847562000000',
      timestamp: Date.parse('2026-11-20T09:14:02.125Z'),
      message: { auditID: 'x' },
    };

    // Act
    const batch = decodeCloudWatchPayload(payload, DECODER_CONTEXT);

    // Assess
    expect(batch.records.map((record) => record.text)).toEqual([JSON.stringify(NODE)]);
    expect(batch.quarantined).toMatchObject([{ reason: 'invalid_record', detail: 'logEvents[0].message: expected a string', source_record_index: 0 }]);
  });

  it('quarantines a log event over the event size limit as limit_exceeded', () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [SSO_ADMIN] });

    // Act
    const batch = decodeCloudWatchPayload(payload, { ...DECODER_CONTEXT, limits: { ...DECODER_CONTEXT.limits, maxEventBytes: 1_000 } });

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined).toMatchObject([{ reason: 'limit_exceeded' }]);
    expect(batch.quarantined[0]?.detail).toContain('exceeds the event size limit of 1000');
  });
});
