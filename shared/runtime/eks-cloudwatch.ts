import { decodeCloudWatchSubscription } from '../decode/cloudwatch.ts';
import { ingestBatch } from '../pipeline/ingest-batch.ts';
import type { IngestSummary } from '../pipeline/ingest-summary.ts';
import type { FunctionRuntime } from './function-runtime.ts';

/**
 * One CloudWatch Logs subscription invocation. Bad records are quarantined and counted; a store
 * failure throws, so Lambda's async retries and on-failure destination keep the batch.
 */
export async function ingestCloudWatchSubscription(event: unknown, runtime: FunctionRuntime): Promise<IngestSummary> {
  const batch = decodeCloudWatchSubscription(event, {
    region: runtime.region,
    ingestTime: runtime.now().toISOString(),
    limits: runtime.limits,
  });
  return ingestBatch(batch, runtime.store, runtime.pipeline);
}
