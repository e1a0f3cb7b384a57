/**
 * The scheduled lake analytics job of the cloud functions: what `kaudit detect --analytics --save`
 * does, over the window before the hour the job was scheduled in, with the deployment's rules
 * (KAUDIT_RULES, or the built-in pack) and the analytics' default parameters; the findings at or
 * above KAUDIT_ALERT_LEVEL go to the alert bus or topic, as the ingest functions send theirs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { KauditConfig } from '../config/settings-schema.ts';
import { SETTINGS } from '../core/settings.ts';
import { BUILT_IN_RULES_NAME, loadConfiguredRules, rulesSetting } from '../pipeline/detection-rules.ts';
import { logRuleFailure } from '../pipeline/pipeline-options.ts';
import { cacheDirFor, pullIntoCache } from '../query/lake-cache.ts';
import { LakeQuery } from '../query/lake-query.ts';
import type { TimeRange } from '../query/time-range.ts';
import { findingAlertsOf } from '../runtime/finding-alerts.ts';
import { JOB_METRICS } from '../runtime/metric-names.ts';
import { findingsAtOrAbove } from '../schema/finding-constants.ts';
import { LakeEventStore } from '../store/event-store.ts';
import { COMPACTED_PREFIX, EVENTS_PREFIX, QUARANTINE_PREFIX } from '../store/layout.ts';
import { openObjectStore } from '../store/open-store.ts';
import type { RuleEvaluationError } from '../transforms/detection/rule-set.ts';
import { DEFAULT_ANALYTICS_PARAMETERS } from './analytics.ts';
import { type DetectRun, findingsOverLake, lakeRangeOfRun, saveFindings } from './detect-run.ts';

const HOUR_MS = 3_600_000;

export interface AnalyticsJobOptions {
  /** When the run was scheduled: a retried run of one schedule covers the same window. */
  scheduledTime: Date;
  /** Where a cloud lake's partitions are cached for DuckDB (Lambda's and Azure's /tmp); kept between warm runs. */
  workDir: string;
  /** The rules' base directory for relative paths in KAUDIT_RULES: the bundle root. */
  baseDir: string;
  /** Told of each rule that throws on an event (default: a JSON line on stderr, the Lambda function's log). */
  onRuleFailure?: (failure: RuleEvaluationError) => void;
}

export interface AnalyticsJobSummary {
  since: string;
  until: string;
  findings: number;
  /** Findings newly stored, and findings an earlier run of the window already stored. */
  written: number;
  duplicates: number;
  /** Findings sent to the alert bus or topic (none when neither is configured). */
  alerted: number;
}

/** The window ending at the start of the scheduled hour, `lengthMs` long. */
export function analyticsWindow(scheduledTime: Date, lengthMs: number): { since: Date; until: Date } {
  const until = Math.floor(scheduledTime.getTime() / HOUR_MS) * HOUR_MS;
  return { since: new Date(until - lengthMs), until: new Date(until) };
}

/** Runs the job once; throws when the rules do not load, or the store or the alert sink fails (the platform retries). */
export async function runAnalyticsJob(config: KauditConfig, options: AnalyticsJobOptions): Promise<AnalyticsJobSummary> {
  if (!config.storeUrl) throw new Error(`${SETTINGS.storeUrl} is not set: the analytics job has no lake to read`);
  const configured = rulesSetting(config.rules);
  const rules = loadConfiguredRules({
    ...(configured.paths.length > 0 || configured.inline?.length ? configured : { paths: [BUILT_IN_RULES_NAME] }),
    approvedNetworks: config.approvedNetworks,
    disabledRules: config.disabledRules,
    baseDir: options.baseDir,
  });
  const window = analyticsWindow(options.scheduledTime, config.detectWindow);
  const run: DetectRun = { rules, window, analytics: DEFAULT_ANALYTICS_PARAMETERS, now: new Date(), onRuleFailure: options.onRuleFailure ?? logRuleFailure };
  const objects = await openObjectStore(config.storeUrl, config);
  const range = lakeRangeOfRun(run);
  const root = objects.localRoot ?? (await pulledCache(objects, options.workDir, range, run.now));
  const lake = await LakeQuery.open(root, range, run.now);
  let findings: Awaited<ReturnType<typeof findingsOverLake>>;
  try {
    findings = await findingsOverLake(lake, run);
  } finally {
    lake.close();
  }
  const saved = await saveFindings(new LakeEventStore(objects), findings);
  // Stored first: an alert that fails fails the run, whose retry finds the findings stored and sends them again.
  const alert = findingAlertsOf(config);
  if (alert) await alert(findings);
  return {
    since: window.since.toISOString(),
    until: window.until.toISOString(),
    findings: findings.length,
    ...saved,
    alerted: alert ? findingsAtOrAbove(findings, config.alertLevel).length : 0,
  };
}

async function pulledCache(objects: Awaited<ReturnType<typeof openObjectStore>>, workDir: string, range: TimeRange, now: Date): Promise<string> {
  const root = cacheDirFor(objects.url, path.join(workDir, 'kaudit-cache'));
  if (range.since) await pruneCacheBefore(root, range.since);
  await pullIntoCache(objects, root, range, { now });
  return root;
}

/**
 * Removes the cached days before `since`: the window moves on every run, and an instance kept warm
 * by the schedule would otherwise fill its /tmp with days no run reads again.
 */
export async function pruneCacheBefore(root: string, since: Date): Promise<void> {
  const firstDay = since.toISOString().slice(0, 10);
  for (const prefix of [EVENTS_PREFIX, COMPACTED_PREFIX, QUARANTINE_PREFIX]) {
    const directory = path.join(root, prefix);
    let days: string[];
    try {
      days = await fs.readdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const day of days) {
      const dt = /^dt=(\d{4}-\d\d-\d\d)$/.exec(day)?.[1];
      if (dt !== undefined && dt < firstDay) await fs.rm(path.join(directory, day), { recursive: true, force: true });
    }
  }
}

/** The run's metrics under their published names. */
export function analyticsJobMetrics(summary: AnalyticsJobSummary): Record<string, number> {
  return { [JOB_METRICS.findings]: summary.findings, [JOB_METRICS.findingsStored]: summary.written, [JOB_METRICS.findingsAlerted]: summary.alerted };
}
