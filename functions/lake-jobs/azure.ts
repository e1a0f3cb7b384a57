import { tmpdir } from 'node:os';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { configFromEnv } from '../../shared/config/read-config.ts';
import type { KauditConfig } from '../../shared/config/settings-schema.ts';
import { messageOf } from '../../shared/core/errors.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { METRIC_NAMESPACE } from '../../shared/runtime/metric-names.ts';

/** host.json's `functionTimeout`: the compaction job starts no hour that could run past it. */
export const AZURE_FUNCTION_TIMEOUT_MS = 30 * 60_000;

export interface AzureJobDependencies {
  config: () => KauditConfig;
  /** Staged objects, DuckDB's spill and the lake cache: the instance's /tmp. */
  workDir: string;
  /** The Functions host's timeout for the invocation. */
  timeoutMs: number;
}

/**
 * The scheduled lake jobs as timer functions of the one Azure app. DuckDB and the jobs' modules are
 * imported inside the handlers, so the ingest functions' cold start never loads them. Each run
 * logs one line with its summary and metrics (the names the Lambda functions publish as EMF); a
 * failure throws, which the host records as a failed invocation (the app's job failure alert).
 */
export function azureCompactionHandler(dependencies: AzureJobDependencies) {
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    const started = Date.now();
    try {
      const { compactionJobMetrics, runCompactionJob } = await import('../../shared/compaction/compaction-job.ts');
      const summary = await runCompactionJob(dependencies.config(), {
        now: new Date(),
        remainingMs: () => started + dependencies.timeoutMs - Date.now(),
        workDir: dependencies.workDir,
      });
      const { compacted, ...totals } = summary;
      context.info(jobLine('kaudit lake compacted', context, timer, { ...totals, hoursCompacted: compacted.length }, compactionJobMetrics(summary)));
    } catch (error) {
      context.error(JSON.stringify({ message: 'kaudit lake compaction failed', error: messageOf(error), invocationId: context.invocationId }));
      throw error;
    }
  };
}

export function azureAnalyticsHandler(dependencies: AzureJobDependencies & { baseDir: string }) {
  return async (timer: Timer, context: InvocationContext): Promise<void> => {
    try {
      const [{ analyticsJobMetrics, runAnalyticsJob }, { ruleFailureLine }] = await Promise.all([
        import('../../shared/detect/analytics-job.ts'),
        import('../../shared/pipeline/pipeline-options.ts'),
      ]);
      // The timer's own time: a run that starts late (past due) still covers the hour it was due for.
      // A rule that throws is logged through the invocation, which Application Insights records.
      const summary = await runAnalyticsJob(dependencies.config(), {
        scheduledTime: scheduledTimeOf(timer),
        workDir: dependencies.workDir,
        baseDir: dependencies.baseDir,
        onRuleFailure: (failure) => context.error(ruleFailureLine(failure)),
      });
      context.info(jobLine('kaudit lake analytics run', context, timer, { ...summary }, analyticsJobMetrics(summary)));
    } catch (error) {
      context.error(JSON.stringify({ message: 'kaudit lake analytics failed', error: messageOf(error), invocationId: context.invocationId }));
      throw error;
    }
  };
}

/** When the host meant to run the function: the schedule's last occurrence, as the host records it before invoking. */
function scheduledTimeOf(timer: Timer): Date {
  const last = timer.scheduleStatus?.last ? new Date(timer.scheduleStatus.last) : null;
  return last && !Number.isNaN(last.getTime()) && last.getTime() <= Date.now() ? last : new Date();
}

function jobLine(message: string, context: InvocationContext, timer: Timer, summary: Record<string, unknown>, metrics: Record<string, number>): string {
  return JSON.stringify({ message, namespace: METRIC_NAMESPACE, invocationId: context.invocationId, isPastDue: timer.isPastDue, ...summary, metrics });
}

const dependencies = { config: () => configFromEnv(process.env), workDir: tmpdir(), timeoutMs: AZURE_FUNCTION_TIMEOUT_MS };

app.timer('kaudit-lake-compaction', { schedule: `%${SETTINGS.compactionSchedule}%`, handler: azureCompactionHandler(dependencies) });
app.timer('kaudit-lake-analytics', { schedule: `%${SETTINGS.analyticsSchedule}%`, handler: azureAnalyticsHandler({ ...dependencies, baseDir: process.cwd() }) });
