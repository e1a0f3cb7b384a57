/**
 * Rules sorted by what an event must hold for them to fire (their requirements on a few columns
 * with few values: the resource, subresource, verb, kind of user, outcome and cluster), so that
 * matching an event evaluates only the rules it can fire. The list for each combination of those
 * values is made once and kept; values no rule requires all count as one, so the combinations
 * are few, and the kept lists are bounded all the same.
 */
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { foldCase } from './case-fold.ts';
import type { CompiledRule } from './load-rule.ts';

const INDEXED_COLUMNS = ['object_resource', 'object_subresource', 'verb', 'user_type', 'outcome', 'cluster_name'] as const satisfies readonly (keyof CanonicalEvent)[];

/** How many lists are kept before they are all forgotten. */
const KEPT_LISTS = 4096;

/** The rules an event can fire, in the rules' order. */
export type CandidateRules = (event: CanonicalEvent) => readonly CompiledRule[];

/** A column's required values, numbered from 1 (0 is "none of them"). */
interface Vocabulary {
  column: (typeof INDEXED_COLUMNS)[number];
  numbers: ReadonlyMap<string, number>;
  values: readonly (string | null)[];
}

export function indexRules(rules: readonly CompiledRule[]): CandidateRules {
  const vocabularies: Vocabulary[] = INDEXED_COLUMNS.map((column) => {
    const values = [...new Set(rules.flatMap((rule) => [...(rule.requires.get(column) ?? [])]))];
    return { column, numbers: new Map(values.map((value, at) => [value, at + 1])), values: [null, ...values] };
  });
  if (vocabularies.every(({ numbers }) => numbers.size === 0)) return () => rules;
  // The keys are exact integers only while every combination fits: rule sets naming that many values are evaluated whole.
  if (vocabularies.reduce((combinations, { values }) => combinations * values.length, 1) > Number.MAX_SAFE_INTEGER) return () => rules;
  const lists = new Map<number, readonly CompiledRule[]>();
  return (event) => {
    // The combination as one number, each column a digit in base (its vocabulary's size + 1).
    let key = 0;
    for (const { column, numbers, values } of vocabularies) {
      const value = event[column];
      key = key * values.length + (typeof value === 'string' ? (numbers.get(foldCase(value)) ?? 0) : 0);
    }
    let list = lists.get(key);
    if (list === undefined) {
      const digits = digitsOf(key, vocabularies);
      list = rules.filter((rule) => vocabularies.every((vocabulary, at) => admits(rule, vocabulary, digits[at] as number)));
      if (lists.size >= KEPT_LISTS) lists.clear();
      lists.set(key, list);
    }
    return list;
  };
}

/** Whether a rule can fire on an event whose column holds the vocabulary's value numbered `number`. */
function admits(rule: CompiledRule, { column, values }: Vocabulary, number: number): boolean {
  const required = rule.requires.get(column);
  const value = values[number] ?? null;
  return required === undefined || (value !== null && required.has(value));
}

/** Each column's number in a key, first column first. */
function digitsOf(key: number, vocabularies: readonly Vocabulary[]): number[] {
  const digits: number[] = [];
  let rest = key;
  for (let at = vocabularies.length - 1; at >= 0; at--) {
    const base = (vocabularies[at] as Vocabulary).values.length;
    digits[at] = rest % base;
    rest = Math.floor(rest / base);
  }
  return digits;
}
