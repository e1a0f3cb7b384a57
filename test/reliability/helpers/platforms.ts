/**
 * The two platforms' delivery rules, played against the real function handlers: Lambda's
 * asynchronous invocation (as the CloudWatch Logs subscription uses it) and the Event Hubs
 * trigger with a retry policy. Only the platform is simulated; the handlers, pipeline and store are real.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvocationContext } from '@azure/functions';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { createAksHandler, EVENT_HUB_RETRY } from '../../../functions/aks-eventhub/create-handler.ts';
import { createEksHandler } from '../../../functions/eks-cloudwatch/handler.ts';
import { configFromEnv } from '../../../shared/config/read-config.ts';
import type { IngestSummary } from '../../../shared/core/ingest-summary.ts';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { buildPipelineOptions, pipelineConfigOf } from '../../../shared/pipeline/pipeline-options.ts';
import type { FunctionRuntime } from '../../../shared/runtime/function-runtime.ts';
import { METRIC_NAMESPACE } from '../../../shared/runtime/metric-names.ts';
import type { EventHubTriggerMetadata } from '../../../shared/sources/eventhub/trigger-runtime.ts';
import { LakeEventStore } from '../../../shared/store/event-store.ts';
import type { ObjectStore } from '../../../shared/store/object-store.ts';
import { INGEST_TIME } from '../../helpers/audit-events.ts';

/** The region of the EKS function, in its ARN as Lambda puts it in destination records. */
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:kaudit-eks-ingest:$LATEST';
/** Lambda's retries of a failed asynchronous invocation, as infra/aws configures them (the platform's default, too). */
const LAMBDA_ASYNC_RETRIES = 2;

/** A function's runtime over an object store, at a fixed ingest time, with the default pipeline (redaction on). */
const DEFAULT_PIPELINE = await buildPipelineOptions(pipelineConfigOf(configFromEnv({})));

export function testRuntime(objects: ObjectStore, region: string | null): FunctionRuntime {
  return { store: new LakeEventStore(objects), limits: DEFAULT_LIMITS, pipeline: DEFAULT_PIPELINE, region, now: () => new Date(INGEST_TIME) };
}

export type EksHandler = (event: CloudWatchLogsEvent, context: Context) => Promise<IngestSummary>;
export type AksHandler = (messages: unknown[], context: InvocationContext) => Promise<IngestSummary>;

/** The EKS function as deployed, over `runtime`, its log and EMF lines silenced (the metrics test reads them). */
export function eksFunction(runtime: FunctionRuntime, metrics = silentMetrics()): EksHandler {
  return createEksHandler({ runtime: async () => runtime, logger: new Logger({ logLevel: 'SILENT' }), metrics });
}

function silentMetrics(): Metrics {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    return new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'kaudit-eks-cloudwatch' });
  } finally {
    if (before === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = before;
  }
}

/** The AKS function as deployed, over `runtime`, dead-lettering into `deadLetter`. */
export function aksFunction(runtime: FunctionRuntime, deadLetter: ObjectStore | null): AksHandler {
  return createAksHandler(async () => ({ runtime, deadLetter }));
}

export interface AsyncInvocation {
  attempts: number;
  summary: IngestSummary | null;
  /** What Lambda sends to the on-failure destination when every attempt failed. */
  destinationRecord: Record<string, unknown> | null;
}

/** Lambda's asynchronous invocation: the first attempt and two retries, then the on-failure destination. */
export async function invokeAsync(handler: EksHandler, event: CloudWatchLogsEvent): Promise<AsyncInvocation> {
  let lastError: Error = new Error('never invoked');
  for (let attempt = 1; attempt <= LAMBDA_ASYNC_RETRIES + 1; attempt++) {
    try {
      return { attempts: attempt, summary: await handler(event, { awsRequestId: `request-${attempt}` } as Context), destinationRecord: null };
    } catch (error) {
      lastError = error as Error;
    }
  }
  return { attempts: LAMBDA_ASYNC_RETRIES + 1, summary: null, destinationRecord: destinationRecordOf(event, lastError) };
}

/** An on-failure destination record as Lambda writes it (AWS Lambda developer guide, "Invocation records"). */
export function destinationRecordOf(event: unknown, error: Error): Record<string, unknown> {
  return {
    version: '1.0',
    timestamp: '2026-11-20T14:11:02.501Z',
    requestContext: {
      requestId: 'c2a4e5f0-5b7a-4e0e-9d53-0b2c3f1d9e11',
      functionArn: FUNCTION_ARN,
      condition: 'RetriesExhausted',
      approximateInvokeCount: LAMBDA_ASYNC_RETRIES + 1,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: error.name, errorMessage: error.message, trace: [] },
  };
}

export interface TriggerDelivery {
  attempts: number;
  summary: IngestSummary | null;
  /** Whether the last attempt threw; the host checkpoints past the batch either way. */
  threw: boolean;
  logs: { level: string; message: string }[];
}

/**
 * The Event Hubs trigger under the function's retry policy: attempts with retryCount 0, 1, … until
 * the function returns or the last retry is spent; then the host checkpoints and moves on.
 */
export async function deliverWithRetryPolicy(handler: AksHandler, bodies: unknown[], triggerMetadata: EventHubTriggerMetadata): Promise<TriggerDelivery> {
  const logs: TriggerDelivery['logs'] = [];
  const { maxRetryCount } = EVENT_HUB_RETRY;
  for (let retryCount = 0; ; retryCount++) {
    const context = new InvocationContext({
      invocationId: `invocation-${retryCount}`,
      functionName: 'kaudit-aks-audit',
      triggerMetadata: triggerMetadata as Record<string, unknown>,
      retryContext: { retryCount, maxRetryCount },
      logHandler: (level, ...args) => logs.push({ level, message: args.join(' ') }),
    });
    try {
      return { attempts: retryCount + 1, summary: await handler(bodies, context), threw: false, logs };
    } catch {
      if (retryCount >= maxRetryCount) return { attempts: retryCount + 1, summary: null, threw: true, logs };
    }
  }
}

/** What the trigger passes with a batch of bodies from one partition. */
export function triggerMetadataFor(bodies: readonly unknown[], firstSequence: number, partitionId = '3'): EventHubTriggerMetadata {
  return {
    partitionContext: { partitionId, eventHubName: 'aks-audit', consumerGroup: '$Default', fullyQualifiedNamespace: 'kaudit-weu.servicebus.windows.net' },
    sequenceNumberArray: bodies.map((_body, index) => firstSequence + index),
    offsetArray: bodies.map((_body, index) => String(25_769_803_776 + (firstSequence + index) * 4_096)),
    enqueuedTimeUtcArray: bodies.map((_body, index) => new Date(Date.parse('2026-11-20T15:00:09.000Z') + index * 1_000).toISOString()),
  };
}
