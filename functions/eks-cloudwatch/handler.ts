import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { awsRegionOf } from '../../shared/config/config-views.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import type { IngestSummary } from '../../shared/core/ingest-summary.ts';
import { type FunctionRuntime, functionRuntime } from '../../shared/runtime/function-runtime.ts';
import { type InvocationReport, metricValues } from '../../shared/runtime/invocation-report.ts';
import { METRIC_NAMESPACE, METRICS } from '../../shared/runtime/metric-names.ts';
import { ingestCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-runtime.ts';

const SERVICE = 'kaudit-eks-cloudwatch';

export interface EksHandlerDependencies {
  /** Built on the first invocation and kept for the life of the execution environment. */
  runtime: () => Promise<FunctionRuntime>;
  logger: Logger;
  metrics: Metrics;
}

/**
 * CloudWatch Logs subscription → kaudit. Throws only when the batch can't be stored, so that
 * Lambda retries it and then hands it to the on-failure destination. Every stored batch leaves one
 * EMF metrics line and one log line.
 */
export function createEksHandler(dependencies: EksHandlerDependencies) {
  let runtime: Promise<FunctionRuntime> | undefined;
  return async (event: CloudWatchLogsEvent, context: Context): Promise<IngestSummary> => {
    runtime ??= dependencies.runtime();
    const ready = await runtime;
    try {
      const report = await ingestCloudWatchSubscription(event, ready);
      publishEmfMetrics(dependencies.metrics, report);
      dependencies.logger.info('kaudit batch ingested', { batchKey: report.batchKey, summary: report.summary, requestId: context.awsRequestId });
      return report.summary;
    } catch (error) {
      dependencies.logger.error('kaudit batch not stored', { error: error as Error, requestId: context.awsRequestId });
      throw error;
    }
  };
}

/** One CloudWatch EMF line with the invocation's metrics; the cluster is a dimension beside the service. */
export function publishEmfMetrics(metrics: Metrics, report: InvocationReport): void {
  if (report.cluster !== null) metrics.addDimension('cluster', report.cluster);
  for (const [name, value] of Object.entries(metricValues(report))) {
    metrics.addMetric(name, name === METRICS.ingestLagSeconds ? MetricUnit.Seconds : MetricUnit.Count, value);
  }
  metrics.publishStoredMetrics();
}

export const handler = createEksHandler({
  runtime: () => {
    const config = configFromEnv(process.env);
    return functionRuntime(config, awsRegionOf(config));
  },
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE }),
});
