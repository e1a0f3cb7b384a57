import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { transformFirehoseEvent } from '../../shared/firehose/transform.ts';
import { runtimeFromEnv, type FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';

const logger = new Logger({ serviceName: 'kaudit-eks-firehose' });
let runtime: Promise<FunctionRuntime> | undefined;

/**
 * Firehose data transformation (CloudWatch Logs → Firehose → this → S3 with dynamic partitioning).
 * Answers every record; throws only on an event that is not a transformation event at all.
 */
export async function handler(event: FirehoseTransformationEvent, context: Context): Promise<FirehoseTransformationResult> {
  runtime ??= runtimeFromEnv(process.env, SETTINGS.awsRegion);
  const outcome = await transformFirehoseEvent(event, await runtime);
  for (const failure of outcome.failures) logger.error('kaudit record left to the error prefix: the lake write failed', failure);
  logger.info('kaudit Firehose batch transformed', { summary: outcome.summary, records: outcome.counts, requestId: context.awsRequestId });
  return outcome.response;
}
