import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/eks-firehose/handler.ts';
import { auditEvent, cloudWatchPayload, firehoseRecord, firehoseTransformationEvent } from '../../helpers/audit-events.ts';
import { temporaryFileStore } from '../../helpers/lake.ts';

describe('eks-firehose handler', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    vi.stubEnv('KAUDIT_STORE_URL', lake.url);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await lake.cleanup();
  });

  it('returns the transformation result with the cluster ARN from the function region', async () => {
    // Prepare
    const event = firehoseTransformationEvent([firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })], { recordId: 'r1' })]);

    // Act
    const result = await handler(event as never, { awsRequestId: 'req-1' } as Context);

    // Assess
    expect(result.records).toHaveLength(1);
    const row = JSON.parse(Buffer.from(result.records[0]?.data ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
    expect(row).toMatchObject({ cluster_id: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu', source_record_id: 'r1:0' });
  });
});
