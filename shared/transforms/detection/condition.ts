/**
 * A Sigma condition parsed into a tree: `or` binds least, then `and`, then `not`, then
 * `1 of X*` / `all of them`, then parentheses. Aggregations (`| count() …`) and `near` belong to
 * correlation and are refused by name.
 */
import { RuleProblem } from './rule-refusal.ts';

export type ConditionNode =
  | { kind: 'or'; items: ConditionNode[] }
  | { kind: 'and'; items: ConditionNode[] }
  | { kind: 'not'; item: ConditionNode }
  | { kind: 'selection'; name: string }
  /** `N of pattern`, `all of pattern`; pattern null for `them`. */
  | { kind: 'of'; quantity: number | 'all'; pattern: string | null };

type Token = { type: 'open' } | { type: 'close' } | { type: 'word'; text: string };

export const CONDITION_KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

export function parseCondition(condition: string): ConditionNode {
  const tokens = tokenize(condition);
  if (tokens.length === 0) throw new RuleProblem('condition is empty');
  const parser = new Parser(tokens);
  const node = parser.or();
  parser.expectEnd();
  return node;
}

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|(\|)|([^\s()|]+))/y;
  for (let match = pattern.exec(condition); match !== null; match = pattern.exec(condition)) {
    if (match[1]) tokens.push({ type: 'open' });
    else if (match[2]) tokens.push({ type: 'close' });
    else if (match[3]) {
      throw new RuleProblem(`condition: aggregation after "|" (${condition.slice(condition.indexOf('|') + 1).trim()}) is not supported: kaudit evaluates one event at a time`);
    } else tokens.push({ type: 'word', text: match[4] as string });
  }
  return tokens;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  or(): ConditionNode {
    const items = [this.and()];
    while (this.acceptWord('or')) items.push(this.and());
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'or', items };
  }

  expectEnd(): void {
    const token = this.tokens[this.at];
    if (token !== undefined) throw unexpected(token);
  }

  private and(): ConditionNode {
    const items = [this.not()];
    while (this.acceptWord('and')) items.push(this.not());
    return items.length === 1 ? (items[0] as ConditionNode) : { kind: 'and', items };
  }

  private not(): ConditionNode {
    if (this.acceptWord('not')) return { kind: 'not', item: this.not() };
    return this.primary();
  }

  private primary(): ConditionNode {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new RuleProblem('condition ends where a selection was expected');
    if (token.type === 'open') {
      const node = this.or();
      const close = this.tokens[this.at++];
      if (close === undefined) throw new RuleProblem('condition: "(" without its ")"');
      if (close.type !== 'close') throw unexpected(close);
      return node;
    }
    if (token.type === 'close') throw new RuleProblem('condition: ")" where a selection was expected');
    const { text } = token;
    if (text === 'near') throw nearRefused();
    if (text === 'all' || /^\d+$/.test(text)) return this.quantified(text);
    if (CONDITION_KEYWORDS.has(text)) throw new RuleProblem(`condition: "${text}" where a selection was expected`);
    return { kind: 'selection', name: text };
  }

  private quantified(quantityText: string): ConditionNode {
    const quantity = quantityText === 'all' ? 'all' : Number(quantityText);
    if (quantity === 0) throw new RuleProblem('condition: "0 of" always holds; write the condition without it');
    if (!this.acceptWord('of')) throw new RuleProblem(`condition: "${quantityText}" must be followed by "of"`);
    const target = this.tokens[this.at++];
    if (target?.type !== 'word' || (CONDITION_KEYWORDS.has(target.text) && target.text !== 'them')) {
      throw new RuleProblem(`condition: "${quantityText} of" must be followed by a selection name, a pattern (selection*) or "them"`);
    }
    return { kind: 'of', quantity, pattern: target.text === 'them' ? null : target.text };
  }

  private acceptWord(word: string): boolean {
    const token = this.tokens[this.at];
    if (token?.type !== 'word' || token.text !== word) return false;
    this.at++;
    return true;
  }
}

function nearRefused(): RuleProblem {
  return new RuleProblem('condition: "near" (correlation of events) is not supported');
}

/** A token where an operator (or the end) was expected. */
function unexpected(token: Token): RuleProblem {
  if (token.type === 'close') return new RuleProblem('condition: unexpected ")" (unbalanced parentheses)');
  if (token.type === 'open') return new RuleProblem('condition: unexpected "(" where "and" or "or" was expected');
  if (token.text === 'near') return nearRefused();
  const hint = CONDITION_KEYWORDS.has(token.text.toLowerCase()) ? ' (condition keywords are lower case)' : '';
  return new RuleProblem(`condition: unexpected "${token.text}" where "and" or "or" was expected${hint}`);
}
