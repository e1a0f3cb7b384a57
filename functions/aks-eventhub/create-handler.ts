import { AsyncLocalStorage } from 'node:async_hooks';
import type { InvocationContext } from '@azure/functions';
import type { KauditConfig } from '../../shared/config/settings-schema.ts';
import { messageOf } from '../../shared/core/errors.ts';
import type { IngestSummary } from '../../shared/core/ingest-summary.ts';
import { logRuleFailure, ruleFailureLine } from '../../shared/pipeline/pipeline-options.ts';
import { BatchNotStoredError } from '../../shared/runtime/batch-not-stored-error.ts';
import { type FunctionRuntime, functionRuntime } from '../../shared/runtime/function-runtime.ts';
import { type InvocationReport, metricValues } from '../../shared/runtime/invocation-report.ts';
import { METRIC_NAMESPACE } from '../../shared/runtime/metric-names.ts';
import { type EventHubTriggerMetadata, ingestEventHubBatch } from '../../shared/sources/eventhub/trigger-runtime.ts';
import type { ObjectStore } from '../../shared/store/object-store.ts';
import { openDeadLetterStore } from '../../shared/store/open-store.ts';
import type { RuleEvaluationError } from '../../shared/transforms/detection/rule-set.ts';

/**
 * The trigger's retry policy. Without one the host checkpoints past a failed batch at once; with it
 * the batch is held and tried again, about 15 minutes in all, before the handler dead-letters it.
 */
export const EVENT_HUB_RETRY = { strategy: 'exponentialBackoff', maxRetryCount: 8, minimumInterval: { seconds: 5 }, maximumInterval: { minutes: 5 } } as const;

/** The function's runtime and where batches go that outlast the retries. */
export interface AksRuntime {
  runtime: FunctionRuntime;
  deadLetter: ObjectStore | null;
}

export async function aksRuntime(config: KauditConfig): Promise<AksRuntime> {
  const [runtime, deadLetter] = await Promise.all([functionRuntime(config, config.region, logRuleFailureInInvocation), openDeadLetterStore(config)]);
  return { runtime, deadLetter };
}

/** The invocation each batch runs in, for what the runtime (built once) logs on its behalf. */
const invocations = new AsyncLocalStorage<InvocationContext>();

/**
 * A rule that throws, logged through the invocation it happened in: Application Insights gets the
 * invocation's logs (its log alert counts these lines), where the worker's own stderr may not reach it.
 */
export function logRuleFailureInInvocation(failure: RuleEvaluationError): void {
  const context = invocations.getStore();
  if (context) context.error(ruleFailureLine(failure));
  else logRuleFailure(failure);
}

/**
 * Event Hubs (AKS diagnostic settings) → kaudit. Throws while the trigger's retry policy will try
 * the batch again; on the last attempt a batch that still can't be stored goes to the dead-letter
 * store and the function returns. Logs one structured metrics line per invocation.
 */
export function createAksHandler(openRuntime: () => Promise<AksRuntime>) {
  let ready: Promise<AksRuntime> | undefined;
  return async (messages: unknown[], context: InvocationContext): Promise<IngestSummary> => {
    ready ??= openRuntime();
    const { runtime, deadLetter } = await ready;
    try {
      const metadata = context.triggerMetadata as EventHubTriggerMetadata | undefined;
      const report = await invocations.run(context, () => ingestEventHubBatch(messages, metadata, runtime, { retry: context.retryContext, deadLetter }));
      if (report.deadLetterKey !== null) {
        const replay = `kaudit ingest <${deadLetter?.url}/${report.deadLetterKey}>`;
        context.warn(JSON.stringify({ message: `kaudit batch dead-lettered; replay it with ${replay}`, batchKey: report.batchKey, deadLetterKey: report.deadLetterKey }));
      }
      context.info(JSON.stringify(metricsLogRecord(report, context.invocationId)));
      return report.summary;
    } catch (error) {
      const lost = error instanceof BatchNotStoredError && error.lost;
      const line = JSON.stringify({ message: lost ? 'kaudit batch LOST' : 'kaudit batch not stored', error: messageOf(error), retryContext: context.retryContext });
      if (lost) context.error(line);
      else context.warn(line);
      throw error;
    }
  };
}

/** The invocation's metrics as one structured log record, under the same names as the EMF metrics on AWS. */
function metricsLogRecord(report: InvocationReport, invocationId: string): Record<string, unknown> {
  return { message: 'kaudit invocation metrics', namespace: METRIC_NAMESPACE, invocationId, batchKey: report.batchKey, cluster: report.cluster, metrics: metricValues(report) };
}
