/**
 * One detection run over the lake, as `kaudit detect` and the scheduled analytics job both run it:
 * the rules over the window's events, then (when asked) the behaviour analytics, and the findings
 * stored under a name made of their ids, so storing the same findings again stores nothing.
 */
import { shortHash } from '../core/digest.ts';
import type { LakeQuery } from '../query/lake-query.ts';
import type { TimeRange } from '../query/time-range.ts';
import type { Finding } from '../schema/finding.ts';
import type { EventStore, WriteResult } from '../store/event-store.ts';
import type { RuleEvaluationError, RuleSet } from '../transforms/detection/rule-set.ts';
import { type AnalyticsParameters, analyticsFindings, lakeRangeFor } from './analytics.ts';
import { sigmaFindingsOverLake } from './sigma-over-lake.ts';

export interface DetectRun {
  rules: RuleSet;
  window: TimeRange;
  /** The analytics' parameters; null: rules only. Analytics need a window with a start. */
  analytics: AnalyticsParameters | null;
  now: Date;
  onRuleFailure: (failure: RuleEvaluationError) => void;
}

/** The time range the lake must be opened over for the run: the window, and the analytics' baseline before it. */
export function lakeRangeOfRun(run: Pick<DetectRun, 'window' | 'analytics'>): TimeRange {
  const { since, until } = run.window;
  return since && run.analytics ? lakeRangeFor({ since, until }, run.analytics) : run.window;
}

/** The rules' findings, then the analytics'. */
export async function findingsOverLake(lake: LakeQuery, run: DetectRun): Promise<Finding[]> {
  const findings = await sigmaFindingsOverLake(lake, run.rules, run.window, { now: () => run.now, onFailure: run.onRuleFailure });
  const { since, until } = run.window;
  if (run.analytics && since) findings.push(...(await analyticsFindings(lake, { since, until }, run.now.toISOString(), run.analytics)));
  return findings;
}

/** Stores findings under `findings/v1/`, named by the findings themselves (`det-<hash of their ids>`). */
export async function saveFindings(store: EventStore, findings: readonly Finding[]): Promise<WriteResult> {
  if (findings.length === 0) return { written: 0, duplicates: 0 };
  const key = `det-${shortHash(...findings.map((finding) => finding.finding_id).sort())}`;
  return store.writeFindings(key, findings);
}
