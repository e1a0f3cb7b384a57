/**
 * Rules sorted by what an event must hold for them to fire (their requirements on the resource,
 * else on the cluster, else on the verb), so that matching an event evaluates only the rules it can
 * fire. Almost every Kubernetes rule names the resources it is about; a rule compiled for one
 * cluster (the approved-networks rule) names its cluster; rules that name none are always evaluated.
 */
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { foldCase } from './case-fold.ts';
import type { CompiledRule } from './load-rule.ts';

/** Columns rules are indexed on, the more selective first. */
const INDEXED_COLUMNS = ['object_resource', 'cluster_name', 'verb'] as const satisfies readonly (keyof CanonicalEvent)[];

/** The rules an event can fire, in the rules' order. */
export type CandidateRules = (event: CanonicalEvent) => readonly CompiledRule[];

export function indexRules(rules: readonly CompiledRule[]): CandidateRules {
  const buckets = INDEXED_COLUMNS.map((column) => ({ column, byValue: new Map<string, number[]>() }));
  const unindexed: number[] = [];
  rules.forEach((rule, position) => {
    const bucket = buckets.find(({ column }) => rule.requires.has(column));
    if (bucket === undefined) {
      unindexed.push(position);
      return;
    }
    for (const value of rule.requires.get(bucket.column) as ReadonlySet<string>) {
      const positions = bucket.byValue.get(value);
      if (positions) positions.push(position);
      else bucket.byValue.set(value, [position]);
    }
  });
  if (unindexed.length === rules.length) return () => rules;
  const alwaysEvaluated = unindexed.map((position) => rules[position] as CompiledRule);
  return (event) => {
    let positions: number[] | null = null;
    for (const { column, byValue } of buckets) {
      const value = event[column];
      const found = typeof value === 'string' ? byValue.get(foldCase(value)) : undefined;
      if (found) positions = [...(positions ?? unindexed), ...found];
    }
    if (positions === null) return alwaysEvaluated;
    return positions.sort((a, b) => a - b).map((position) => rules[position] as CompiledRule);
  };
}
