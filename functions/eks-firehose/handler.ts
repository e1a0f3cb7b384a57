import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { awsRegionOf } from '../../shared/config/config-views.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { type FunctionRuntime, functionRuntime } from '../../shared/runtime/function-runtime.ts';
import { transformFirehoseEvent } from '../../shared/sources/firehose/transform-runtime.ts';

const logger = new Logger({ serviceName: 'kaudit-eks-firehose' });
let runtime: Promise<FunctionRuntime> | undefined;

/**
 * Firehose data transformation (CloudWatch Logs → Firehose → this → S3 with dynamic partitioning).
 * Answers every record; throws on an event that is not a transformation event at all, and when a
 * record's dead-letter document finds no room in the response (Firehose then retries the invocation).
 */
/** The runtime from the app settings, read once: a malformed setting fails the invocation, and every one after it. */
async function openRuntime(): Promise<FunctionRuntime> {
  const config = configFromEnv(process.env);
  return functionRuntime(config, awsRegionOf(config));
}

export async function handler(event: FirehoseTransformationEvent, context: Context): Promise<FirehoseTransformationResult> {
  runtime ??= openRuntime();
  const outcome = await transformFirehoseEvent(event, await runtime);
  for (const deadLettered of outcome.deadLettered) logger.error('kaudit record dead-lettered to the lake deadletter/ folder: its lake write failed', deadLettered);
  logger.info('kaudit Firehose batch transformed', { summary: outcome.summary, records: outcome.counts, requestId: context.awsRequestId });
  return outcome.response;
}
