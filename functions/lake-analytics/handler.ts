import { tmpdir } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { configFromEnv } from '../../shared/config/read-config.ts';
import type { KauditConfig } from '../../shared/config/settings-schema.ts';
import { type AnalyticsJobSummary, analyticsJobMetrics, runAnalyticsJob } from '../../shared/detect/analytics-job.ts';
import { JOB_SERVICES, METRIC_NAMESPACE } from '../../shared/runtime/metric-names.ts';
import { parseScheduledInvocation } from '../../shared/runtime/scheduled-invocation.ts';

const SERVICE = JOB_SERVICES.analytics;

export interface AnalyticsHandlerDependencies {
  config: () => KauditConfig;
  logger: Logger;
  metrics: Metrics;
  /** Where the lake's partitions are cached: /tmp, kept between warm invocations. */
  workDir: string;
  /** Relative rule paths in KAUDIT_RULES resolve against it: the bundle root. */
  baseDir: string;
}

/**
 * EventBridge Scheduler → the rules and behaviour analytics over the window before the scheduled
 * hour, findings stored and alerted. The window comes from the schedule's time, so a retried
 * invocation covers the same one and stores nothing twice.
 */
export function createAnalyticsHandler(dependencies: AnalyticsHandlerDependencies) {
  return async (event: unknown, context: Context): Promise<AnalyticsJobSummary> => {
    const invocation = parseScheduledInvocation(event);
    const scheduledTime = invocation.scheduledTime ? new Date(invocation.scheduledTime) : new Date();
    try {
      const summary = await runAnalyticsJob(dependencies.config(), { scheduledTime, workDir: dependencies.workDir, baseDir: dependencies.baseDir });
      for (const [name, value] of Object.entries(analyticsJobMetrics(summary))) dependencies.metrics.addMetric(name, MetricUnit.Count, value);
      dependencies.metrics.publishStoredMetrics();
      dependencies.logger.info('kaudit lake analytics run', { ...summary, scheduledTime: scheduledTime.toISOString(), requestId: context.awsRequestId });
      return summary;
    } catch (error) {
      dependencies.logger.error('kaudit lake analytics failed', { error: error as Error, scheduledTime: scheduledTime.toISOString(), requestId: context.awsRequestId });
      throw error;
    }
  };
}

export const handler = createAnalyticsHandler({
  config: () => configFromEnv(process.env),
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE }),
  workDir: tmpdir(),
  baseDir: process.cwd(),
});
