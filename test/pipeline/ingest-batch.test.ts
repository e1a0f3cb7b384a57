import { describe, expect, it } from 'vitest';
import { ingestBatch, processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import type { EventTransform } from '../../shared/transforms/transform.ts';
import { aksRecord, auditEvent, cloudWatchPayload, DECODER_CONTEXT, eventHubBody, eventHubMessages, fixtureEvent } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';

const SSO_ADMIN = fixtureEvent('eks/sso-admin-get-aws-auth.json');
const FORBIDDEN = fixtureEvent('eks/iam-user-forbidden-list-secrets.json');

describe('pipeline', () => {
  it('stores an event delivered twice within one batch once, counting the second as a duplicate', async () => {
    // Prepare
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [SSO_ADMIN, FORBIDDEN, SSO_ADMIN] }), DECODER_CONTEXT);
    const objects = new MemoryObjectStore();

    // Act
    const summary = await ingestBatch(batch, new LakeEventStore(objects));

    // Assess
    expect(summary).toEqual({ received: 3, written: 2, duplicates: 1, skipped: 0, quarantined: 0, reasons: {} });
  });

  it('stores each event of a batch once, however often the batch is delivered', async () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [SSO_ADMIN, FORBIDDEN] });
    const store = new LakeEventStore(new MemoryObjectStore());
    await ingestBatch(decodeCloudWatchPayload(payload, DECODER_CONTEXT), store);

    // Act
    const again = await ingestBatch(decodeCloudWatchPayload(payload, { ...DECODER_CONTEXT, ingestTime: '2026-11-20T14:09:31.000Z' }), store);

    // Assess
    expect(again).toEqual({ received: 2, written: 0, duplicates: 2, skipped: 0, quarantined: 0, reasons: {} });
  });

  it('accounts for every record received: written, duplicate, skipped or quarantined', async () => {
    // Prepare
    const body = eventHubBody([
      aksRecord(fixtureEvent('aks/aks-service-get-configmap.json')),
      aksRecord(fixtureEvent('aks/aks-service-get-configmap.json'), { category: 'kube-audit' }),
      aksRecord('I1120 10:00:05.001       1 static_autoscaler.go:290] Starting main loop\n', { category: 'cluster-autoscaler' }),
      aksRecord('E1120 10:00:06.118 audit log line garbled\n'),
      aksRecord(auditEvent({ stage: undefined })),
    ]);
    const batch = decodeEventHubMessages(eventHubMessages([body, 'not a body']), DECODER_CONTEXT);

    // Act
    const summary = await ingestBatch(batch, new LakeEventStore(new MemoryObjectStore()));

    // Assess
    expect(summary).toEqual({
      received: 6,
      written: 1,
      duplicates: 1,
      skipped: 1,
      quarantined: 3,
      reasons: { not_audit_category: 1, invalid_payload: 1, invalid_json: 1, invalid_event: 1 },
    });
  });

  it('stores the quarantine records of a batch beside its events', async () => {
    // Prepare
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [SSO_ADMIN, 'kube-apiserver-audit: garbled'] }), DECODER_CONTEXT);
    const objects = new MemoryObjectStore();

    // Act
    await ingestBatch(batch, new LakeEventStore(objects));

    // Assess
    expect([...objects.objects.keys()]).toEqual([`events/v1/dt=2026-11-20/hour=09/${batch.batchKey}.ndjson.gz`, `quarantine/v1/dt=2026-11-20/hour=14/${batch.batchKey}.ndjson.gz`]);
  });

  it('counts events a transform skips by design under its reason', () => {
    // Prepare
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [SSO_ADMIN, FORBIDDEN] }), DECODER_CONTEXT);
    const skipReads: EventTransform = (event) => (event.verb === 'get' ? { skip: 'policy' } : event);

    // Act
    const processed = processBatch(batch, { transforms: [skipReads] });

    // Assess
    expect(processed.events.map((event) => event.audit_id)).toEqual(['e41a7f26-93b8-4d05-b2c7-1f6e8a9d0c34']);
    expect(processed.summary).toEqual({ received: 2, written: 0, duplicates: 0, skipped: 1, quarantined: 0, reasons: { policy: 1 } });
  });

  it('lets a store failure propagate, so the platform delivers the batch again', async () => {
    // Prepare
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [SSO_ADMIN] }), DECODER_CONTEXT);
    const unavailable = new MemoryObjectStore();
    unavailable.putIfAbsent = async (key) => {
      throw new StoreError(`cannot write memory://test/${key}: service unavailable`, key);
    };

    // Act
    const ingest = ingestBatch(batch, new LakeEventStore(unavailable));

    // Assess
    await expect(ingest).rejects.toThrow(`cannot write memory://test/events/v1/dt=2026-11-20/hour=09/${batch.batchKey}.ndjson.gz: service unavailable`);
  });
});
