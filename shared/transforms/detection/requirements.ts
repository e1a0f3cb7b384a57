/**
 * What an event must hold for a rule to have any chance of firing: for some text columns, the
 * set of values (case-folded) one of which the column must equal. Derived from the rule when it
 * compiles, it lets a rule set skip the rules an event cannot fire without evaluating them. Empty
 * when nothing is known (a negation, a wildcard, a modifier).
 */
export type Requirements = ReadonlyMap<string, ReadonlySet<string>>;

export const NO_REQUIREMENTS: Requirements = new Map();

/** Everything each part requires: a column required by two parts must equal a value both allow. */
export function allRequirements(parts: readonly Requirements[]): Requirements {
  const merged = new Map<string, ReadonlySet<string>>();
  for (const part of parts) {
    for (const [column, values] of part) {
      const earlier = merged.get(column);
      merged.set(column, earlier === undefined ? values : new Set([...values].filter((value) => earlier.has(value))));
    }
  }
  return merged;
}

/** What holds whichever part fires: only columns every part requires, with the values any of them allows. */
export function anyRequirements(parts: readonly Requirements[]): Requirements {
  const [first, ...others] = parts;
  if (first === undefined) return NO_REQUIREMENTS;
  const common = new Map<string, ReadonlySet<string>>();
  for (const [column, values] of first) {
    if (others.every((other) => other.has(column))) common.set(column, new Set([...values, ...others.flatMap((other) => [...(other.get(column) as ReadonlySet<string>)])]));
  }
  return common;
}
