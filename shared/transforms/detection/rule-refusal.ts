/** Why a rule file was not loaded: its path and every problem found, each naming where in the rule. */
export interface RuleRefusal {
  path: string;
  problems: readonly string[];
}

/** One line for a person: `rules/x.yml: problem; problem`. */
export function refusalMessage(refusal: RuleRefusal): string {
  return `${refusal.path}: ${refusal.problems.join('; ')}`;
}

/** Thrown while a rule compiles; the loader turns it into one of the rule's problems. */
export class RuleProblem extends Error {
  override name = 'RuleProblem';
}
