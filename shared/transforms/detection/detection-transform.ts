/**
 * The rules as a pipeline step: each stored event matched against the set, a finding for each
 * rule that fires. A rule that throws is reported to `onFailure` and the other rules still run;
 * the event is stored whatever its rules did.
 */
import type { EventDetector } from '../transform.ts';
import { findingOf } from './finding-of.ts';
import type { CompiledRule } from './load-rule.ts';
import { matchEvent, type RuleEvaluationError, type RuleSet } from './rule-set.ts';

export interface DetectorOptions {
  /** Told of each rule that threw, naming rule and event (never the event's content). */
  onFailure?: (failure: RuleEvaluationError) => void;
  /** The detection time written into findings; now by default. */
  now?: () => Date;
}

export function detectionTransform(rules: RuleSet, options: DetectorOptions = {}): EventDetector {
  const now = options.now ?? (() => new Date());
  return (event) => {
    const { matched, failed } = matchEvent(rules, event);
    for (const failure of failed) options.onFailure?.(failure);
    if (matched.length === 0) return [];
    const detectedTime = now().toISOString();
    return matched.map((rule) => findingOf(sigmaDetection(rule), event, detectedTime));
  };
}

function sigmaDetection(rule: CompiledRule) {
  return { kind: 'sigma', id: rule.id, title: rule.title, source: rule.path, level: rule.level, tags: rule.tags } as const;
}
