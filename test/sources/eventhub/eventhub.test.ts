import { createHash } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeEventHubMessages } from '../../../shared/sources/eventhub/eventhub-messages.ts';
import { aksRecord, DECODER_CONTEXT, eventHubBody, eventHubMessages, fixtureEvent } from '../../helpers/audit-events.ts';

const AKS_SERVICE = fixtureEvent('aks/aks-service-get-configmap.json');
const MASTERCLIENT = fixtureEvent('aks/masterclient-list-nodes.json');
const HUB = { namespace: 'ehns-kaudit-weu.servicebus.windows.net', hub: 'aks-audit', consumerGroup: 'kaudit' };
const CONTEXT = { ...DECODER_CONTEXT, ...HUB, region: 'westeurope' };

describe('Event Hubs (AKS diagnostic settings) decoder', () => {
  it.each([
    ['an object', (body: object) => body],
    ['JSON text', (body: object) => JSON.stringify(body)],
    ['a Buffer', (body: object) => Buffer.from(JSON.stringify(body))],
  ])('reads a body given as %s', (_name, asGiven) => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE), aksRecord(MASTERCLIENT)]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([asGiven(body)]), CONTEXT);

    // Assess
    expect(batch.records.map((record) => record.text)).toEqual([`${JSON.stringify(AKS_SERVICE)}\n`, `${JSON.stringify(MASTERCLIENT)}\n`]);
    expect(batch.quarantined).toEqual([]);
  });

  it('passes properties.log given as JSON text on as the text AKS sent, trailing newline included', () => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE, { logAs: 'string' })]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.records[0]?.text).toBe(`${JSON.stringify(AKS_SERVICE)}\n`);
    expect(batch.records[0]?.value).toBeUndefined();
  });

  it('passes properties.log given as an object on as the parsed event', () => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE, { logAs: 'object' })]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.records[0]).toMatchObject({ text: null, value: AKS_SERVICE });
  });

  it.each(['kube-audit', 'kube-audit-admin'])('keeps records of the audit category %s', (category) => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE, { category })]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.records[0]?.provenance.source_category).toBe(category);
    expect(batch.skipped).toEqual({});
  });

  it('skips records of other categories, counted as not_audit_category', () => {
    // Prepare
    const body = eventHubBody([
      aksRecord('I1120 10:00:03.417265       1 controller.go:615] quota admission added evaluator for: leases.coordination.k8s.io\n', { category: 'kube-apiserver' }),
      aksRecord('I1120 10:00:04.118046       1 event.go:389] "Event occurred" object="kube-system/coredns"\n', { category: 'kube-controller-manager' }),
      aksRecord('I1120 10:00:05.001       1 static_autoscaler.go:290] Starting main loop\n', { category: 'cluster-autoscaler' }),
      aksRecord('{"level":"info","msg":"guard: request authorized"}\n', { category: 'guard' }),
      aksRecord(AKS_SERVICE, { category: 'kube-audit' }),
    ]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.skipped).toEqual({ not_audit_category: 4 });
  });

  it('takes subscription, resource group and cluster from the upper-cased resourceId, in lower case', () => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE, { subscription: '8F3C2B1A-4D5E-4F60-9A7B-1C2D3E4F5A6B', resourceGroup: 'RG-Platform-Prod', cluster: 'AKS-WEU-Prod' })]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance).toMatchObject({
      platform: 'aks',
      cloud_provider: 'azure',
      cloud_account_id: '8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b',
      azure_resource_group: 'rg-platform-prod',
      cluster_name: 'aks-weu-prod',
      cluster_id: '/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourcegroups/rg-platform-prod/providers/microsoft.containerservice/managedclusters/aks-weu-prod',
      cloud_region: 'westeurope',
    });
  });

  it('records partition, sequence number, hub and record time in provenance', () => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE, { time: '2026-11-20T10:00:03.4301234Z' }), aksRecord(MASTERCLIENT)]);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body], { partition: '7', firstSequenceNumber: 90_210 }), CONTEXT);

    // Assess
    expect(batch.records.map((record) => record.provenance)).toMatchObject([
      {
        source_type: 'eventhub',
        source_stream: 'ehns-kaudit-weu.servicebus.windows.net/aks-audit/kaudit',
        source_partition: '7',
        source_offset: '90210',
        source_record_index: 0,
        source_time: '2026-11-20T10:00:03.4301234Z',
      },
      { source_partition: '7', source_offset: '90210', source_record_index: 1 },
    ]);
  });

  it('falls back to the offset when the trigger gives no sequence number', () => {
    // Prepare
    const messages = eventHubMessages([eventHubBody([aksRecord(AKS_SERVICE)])]).map((message) => ({ ...message, sequenceNumber: null, offset: '25769803776' }));

    // Act
    const batch = decodeEventHubMessages(messages, CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance.source_offset).toBe('25769803776');
  });

  it('takes source_time from the enqueued time when a record has no time', () => {
    // Prepare
    const record = aksRecord(AKS_SERVICE);
    delete record.time;

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([eventHubBody([record])], { firstEnqueuedTime: '2026-11-20T10:00:04.250Z' }), CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance.source_time).toBe('2026-11-20T10:00:04.250Z');
  });

  it('keys the batch by partition and first and last sequence number', () => {
    // Prepare
    const bodies = [eventHubBody([aksRecord(AKS_SERVICE)]), eventHubBody([aksRecord(MASTERCLIENT)]), eventHubBody([aksRecord(AKS_SERVICE)])];

    // Act
    const batch = decodeEventHubMessages(eventHubMessages(bodies, { partition: '3', firstSequenceNumber: 48_213 }), CONTEXT);
    const redelivered = decodeEventHubMessages(eventHubMessages(bodies, { partition: '3', firstSequenceNumber: 48_213 }), CONTEXT);

    // Assess
    expect(batch.batchKey).toMatch(/^eh-[0-9a-f]{12}-p3-48213-48215$/);
    expect(redelivered.batchKey).toBe(batch.batchKey);
  });

  it('keys a batch without trigger metadata by its content', () => {
    // Prepare
    const body = eventHubBody([aksRecord(AKS_SERVICE)]);

    // Act
    const batch = decodeEventHubMessages([{ body }], CONTEXT);
    const sameContent = decodeEventHubMessages([{ body: JSON.stringify(body) }], CONTEXT);

    // Assess
    expect(batch.batchKey).toMatch(/^eh-[0-9a-f]{32}$/);
    expect(sameContent.batchKey).toBe(batch.batchKey);
  });

  it('quarantines one message that is not JSON and decodes the rest of the batch', () => {
    // Prepare
    const bodies = [eventHubBody([aksRecord(AKS_SERVICE)]), 'kube-audit: {"records": [', eventHubBody([aksRecord(MASTERCLIENT)])];

    // Act
    const batch = decodeEventHubMessages(eventHubMessages(bodies, { firstSequenceNumber: 100 }), CONTEXT);

    // Assess
    expect(batch.records).toHaveLength(2);
    expect(batch.quarantined).toHaveLength(1);
    expect(batch.quarantined[0]).toMatchObject({ reason: 'invalid_payload', raw: 'kube-audit: {"records": [', source_offset: '101' });
    expect(batch.quarantined[0]?.detail).toMatch(/^message 1: body is not JSON/);
  });

  it.each([
    ['gzip', gzipSync],
    ['zlib', deflateSync],
  ])('decodes a body a relay compressed with %s', (_name, compress) => {
    // Prepare
    const body = compress(JSON.stringify(eventHubBody([aksRecord(AKS_SERVICE), aksRecord(MASTERCLIENT)])));

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    expect(batch.quarantined).toEqual([]);
    expect(batch.records).toHaveLength(2);
  });

  it('quarantines a compressed body cut short with the text it inflates to, hashed as received', () => {
    // Prepare
    const text = JSON.stringify(eventHubBody([aksRecord(AKS_SERVICE), aksRecord(MASTERCLIENT)]));
    const body = gzipSync(text).subarray(0, 300);

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([body]), CONTEXT);

    // Assess
    const [record] = batch.quarantined;
    expect(record).toMatchObject({
      reason: 'invalid_payload',
      detail: expect.stringMatching(
        /^message 0: body could not be decompressed: unexpected end of file; raw is the text the data inflates to before that point \(\d+ bytes\), not the data$/,
      ),
      raw_sha256: createHash('sha256').update(body.toString('base64')).digest('hex'),
    });
    expect(text.startsWith(record?.raw as string)).toBe(true);
  });

  it('quarantines a body without a records array as invalid_payload', () => {
    // Act
    const batch = decodeEventHubMessages(eventHubMessages([{ value: [aksRecord(AKS_SERVICE)] }]), CONTEXT);

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined).toMatchObject([{ reason: 'invalid_payload', detail: 'message 0: expected a body {"records":[…]}' }]);
  });

  it('quarantines a record without properties.log as invalid_record', () => {
    // Prepare
    const record = aksRecord(AKS_SERVICE, { category: 'kube-audit' });
    record.properties = { stream: 'stdout', pod: 'kube-apiserver-7d9f8b6c5d-x2x4q' };

    // Act
    const batch = decodeEventHubMessages(eventHubMessages([eventHubBody([record])]), CONTEXT);

    // Assess
    expect(batch.quarantined).toMatchObject([{ reason: 'invalid_record', cluster_name: 'aks-weu-prod', source_category: 'kube-audit' }]);
    expect(batch.quarantined[0]?.detail).toContain('records[0]: expected an AKS diagnostic record');
  });
});
