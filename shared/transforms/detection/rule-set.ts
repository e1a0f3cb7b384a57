/**
 * The evaluator: rule files compiled once into a set, then each event matched against it. A rule
 * that throws while matching is reported with the event's result and the other rules still run.
 */
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { type CompiledRule, type LoadOptions, loadRule } from './load-rule.ts';
import { type CandidateRules, indexRules } from './rule-index.ts';
import type { RuleRefusal } from './rule-refusal.ts';

export interface RuleSource {
  path: string;
  text: string;
}

/** The rules that loaded, in the order of their files, indexed for matching. */
export class RuleSet {
  private readonly candidates: CandidateRules;

  constructor(readonly all: readonly CompiledRule[]) {
    this.candidates = indexRules(all);
  }

  /** The rules an event can fire; the others cannot match it, whatever else it holds. */
  candidatesFor(event: CanonicalEvent): readonly CompiledRule[] {
    return this.candidates(event);
  }
}

export interface CompiledRules {
  rules: RuleSet;
  refusals: readonly RuleRefusal[];
}

/** Loads every rule; a file that does not load, or reuses another file's id, is refused and the rest still load. */
export function compileRules(sources: readonly RuleSource[], options: LoadOptions = {}): CompiledRules {
  const rules: CompiledRule[] = [];
  const refusals: RuleRefusal[] = [];
  const pathById = new Map<string, string>();
  for (const source of sources) {
    const loaded = loadRule(source.path, source.text, options);
    if (!loaded.ok) {
      refusals.push(loaded.refusal);
      continue;
    }
    const firstPath = pathById.get(loaded.rule.id);
    if (firstPath !== undefined) {
      refusals.push({ path: source.path, problems: [`id ${loaded.rule.id} is already the id of ${firstPath}: findings name rules by id, so each needs its own`] });
      continue;
    }
    pathById.set(loaded.rule.id, source.path);
    rules.push(loaded.rule);
  }
  return { rules: new RuleSet(rules), refusals };
}

/** A rule that threw on an event; `cause` is what it threw. The message names rule and event, never event content. */
export class RuleEvaluationError extends Error {
  override name = 'RuleEvaluationError';

  constructor(
    readonly rule: CompiledRule,
    eventId: string,
    cause: unknown,
  ) {
    super(`rule ${rule.id} (${rule.path}) failed on event ${eventId}: ${cause instanceof Error ? cause.name : typeof cause}`, { cause });
  }
}

export interface EventMatches {
  /** Rules that fired, in the set's order. */
  matched: CompiledRule[];
  failed: RuleEvaluationError[];
}

export function matchEvent(rules: RuleSet, event: CanonicalEvent): EventMatches {
  const matched: CompiledRule[] = [];
  let failed: RuleEvaluationError[] | null = null;
  for (const rule of rules.candidatesFor(event)) {
    try {
      if (rule.matches(event)) matched.push(rule);
    } catch (error) {
      (failed ??= []).push(new RuleEvaluationError(rule, event.event_id, error));
    }
  }
  return { matched, failed: failed ?? [] };
}
