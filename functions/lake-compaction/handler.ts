import { tmpdir } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { compactionJobMetrics, runCompactionJob } from '../../shared/compaction/compaction-job.ts';
import type { CompactionSummary } from '../../shared/compaction/compactor.ts';
import { configFromEnv } from '../../shared/config/read-config.ts';
import type { KauditConfig } from '../../shared/config/settings-schema.ts';
import { JOB_SERVICES, METRIC_NAMESPACE } from '../../shared/runtime/metric-names.ts';
import { parseScheduledInvocation } from '../../shared/runtime/scheduled-invocation.ts';

const SERVICE = JOB_SERVICES.compaction;

export interface CompactionHandlerDependencies {
  config: () => KauditConfig;
  logger: Logger;
  metrics: Metrics;
  workDir: string;
}

/**
 * EventBridge Scheduler → compaction of the lake's closed hours, until Lambda's remaining time runs
 * short; the hours left are reported (HoursPending) and the next scheduled run takes them. A
 * failure throws, so Scheduler's invocation fails, the errors alarm fires, and the next run starts
 * over where the manifests say.
 */
export function createCompactionHandler(dependencies: CompactionHandlerDependencies) {
  return async (event: unknown, context: Context): Promise<Omit<CompactionSummary, 'compacted'> & { hoursCompacted: number }> => {
    const invocation = parseScheduledInvocation(event);
    try {
      const summary = await runCompactionJob(dependencies.config(), {
        now: new Date(),
        remainingMs: () => context.getRemainingTimeInMillis(),
        workDir: dependencies.workDir,
      });
      for (const [name, value] of Object.entries(compactionJobMetrics(summary))) dependencies.metrics.addMetric(name, MetricUnit.Count, value);
      dependencies.metrics.publishStoredMetrics();
      const { compacted, ...totals } = summary;
      const result = { ...totals, hoursCompacted: compacted.length };
      dependencies.logger.info('kaudit lake compacted', { ...result, scheduledTime: invocation.scheduledTime, requestId: context.awsRequestId });
      return result;
    } catch (error) {
      dependencies.logger.error('kaudit lake compaction failed', { error: error as Error, scheduledTime: invocation.scheduledTime, requestId: context.awsRequestId });
      throw error;
    }
  };
}

export const handler = createCompactionHandler({
  config: () => configFromEnv(process.env),
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE }),
  workDir: tmpdir(),
});
