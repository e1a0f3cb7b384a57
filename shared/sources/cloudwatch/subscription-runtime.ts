import { messageOf } from '../../core/errors.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { BatchNotStoredError } from '../../runtime/batch-not-stored-error.ts';
import type { FunctionRuntime } from '../../runtime/function-runtime.ts';
import { type InvocationReport, storedReport } from '../../runtime/invocation-report.ts';
import { decodeCloudWatchSubscription } from './subscription-envelope.ts';

/**
 * One CloudWatch Logs subscription invocation. Bad records are quarantined and counted. A batch
 * that can't be stored throws: Lambda retries the asynchronous invocation twice, then sends the
 * event to the on-failure destination, from where `kaudit redrive` replays it.
 */
export async function ingestCloudWatchSubscription(event: unknown, runtime: FunctionRuntime): Promise<InvocationReport> {
  const ingestTime = runtime.now().toISOString();
  const batch = decodeCloudWatchSubscription(event, { region: runtime.region, ingestTime, limits: runtime.limits });
  try {
    return storedReport(batch, await ingestBatch(batch, runtime.store, runtime.pipeline), ingestTime);
  } catch (error) {
    const message = `batch ${batch.batchKey} was not stored (Lambda retries it, then sends it to the on-failure destination): ${messageOf(error)}`;
    throw new BatchNotStoredError(message, batch.batchKey, false, { cause: error });
  }
}
