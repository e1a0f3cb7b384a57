/**
 * Sigma's `expand` modifier: rule values holding `%name%` placeholders, replaced by the values the
 * deployment gives when the rules compile (the approved networks of a cluster, say). A placeholder
 * the compiler is not given refuses the rule: left as text, it would silently never match.
 */
import { shown } from './field-modifiers.ts';
import { RuleProblem } from './rule-refusal.ts';

/** Each placeholder's values, by name (without the `%`). */
export type Placeholders = ReadonlyMap<string, readonly string[]>;

export const NO_PLACEHOLDERS: Placeholders = new Map();

/** `%name%`: with `expand`, every such run of word characters between two `%` is a placeholder. */
const PLACEHOLDER = /%(\w+)%/;

/**
 * The values with their placeholders replaced. A value that is one placeholder becomes that
 * placeholder's values; text around a placeholder is kept around each of its values, and a value
 * with two placeholders becomes every combination.
 */
export function expandPlaceholders(raw: unknown, placeholders: Placeholders): string[] {
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  return values.flatMap((value) => {
    if (typeof value !== 'string') throw new RuleProblem(`"expand" takes text values holding %placeholders%, got ${shown(value)}`);
    // split() with a capturing group alternates text and placeholder names: [text, name, text, …].
    const parts = value.split(new RegExp(PLACEHOLDER, 'g'));
    if (parts.length === 1) throw new RuleProblem(`"expand": value ${shown(value)} holds no %placeholder%`);
    let expanded = [''];
    parts.forEach((part, index) => {
      if (index % 2 === 0) expanded = expanded.map((prefix) => prefix + part);
      else expanded = expanded.flatMap((prefix) => valuesOf(part, placeholders).map((replacement) => prefix + replacement));
    });
    return expanded;
  });
}

function valuesOf(name: string, placeholders: Placeholders): readonly string[] {
  const values = placeholders.get(name);
  if (values === undefined) {
    const known = [...placeholders.keys()].map((known) => `%${known}%`);
    throw new RuleProblem(`placeholder %${name}% has no values: ${known.length > 0 ? `the placeholders given are ${known.join(', ')}` : 'no placeholder is given to these rules'}`);
  }
  if (values.length === 0) throw new RuleProblem(`placeholder %${name}% is given an empty list, which matches nothing`);
  return values;
}
