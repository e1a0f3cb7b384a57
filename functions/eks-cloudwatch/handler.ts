import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { ingestCloudWatchSubscription } from '../../shared/runtime/eks-cloudwatch.ts';
import { runtimeFromEnv, type FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import type { IngestSummary } from '../../shared/pipeline/ingest-summary.ts';

const logger = new Logger({ serviceName: 'kaudit-eks-cloudwatch' });
let runtime: Promise<FunctionRuntime> | undefined;

/** CloudWatch Logs subscription → kaudit. Throws only when the store fails, so Lambda retries. */
export async function handler(event: CloudWatchLogsEvent, context: Context): Promise<IngestSummary> {
  runtime ??= runtimeFromEnv(process.env, SETTINGS.awsRegion);
  const summary = await ingestCloudWatchSubscription(event, await runtime);
  logger.info('kaudit batch ingested', { summary, requestId: context.awsRequestId });
  return summary;
}
