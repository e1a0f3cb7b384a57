import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCloudWatchSubscription } from '../../shared/decode/cloudwatch.ts';
import { DEFAULT_LIMITS } from '../../shared/limits.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { openEventStore } from '../../shared/store/open-store.ts';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';

describe('pipeline into the file store', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('stores each event of an EKS batch once, however often the batch is delivered', async () => {
    // Prepare
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [auditEvent(), auditEvent({ auditID: 'a2', verb: 'get' })] }));
    const store = await openEventStore(lake.url);
    const context = { region: 'eu-west-1', ingestTime: '2026-11-20T14:05:00.000Z', limits: DEFAULT_LIMITS };

    // Act
    const first = await ingestBatch(decodeCloudWatchSubscription(event, context), store);
    const again = await ingestBatch(decodeCloudWatchSubscription(event, context), store);

    // Assess
    expect(first).toEqual({ received: 2, written: 2, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
    expect(again).toEqual({ received: 2, written: 0, duplicates: 2, skipped: 0, quarantined: 0, reasons: {} });
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => row.audit_id).sort()).toEqual(['6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d', 'a2']);
    expect(rows[0]?.cluster_id).toBe('arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu');
  });
});
