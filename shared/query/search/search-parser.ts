import { type ComparisonOperator, type Token, tokenize, type ValueToken } from './search-lexer.ts';
import { quoteToken, SearchSyntaxError } from './search-syntax-error.ts';

export type Operator = ComparisonOperator | 'contains' | 'startswith' | 'in';

/** A field name as written, where it was written. */
export interface FieldToken {
  name: string;
  index: number;
}

export type Condition =
  | { type: 'and' | 'or'; operands: Condition[] }
  | { type: 'not'; operand: Condition }
  | { type: 'comparison'; field: FieldToken; operator: Operator; operatorIndex: number; values: ValueToken[] };

/** A parsed query: its condition (null matches every event) and its group fields, in order. */
export interface SearchQuery {
  condition: Condition | null;
  groupBy: FieldToken[];
}

/** Longer queries are refused before parsing: the query box and command line never need them. */
export const MAX_QUERY_LENGTH = 16_384;
/** Parentheses and `not` nest at most this deep, so a hostile query cannot exhaust the stack. */
export const MAX_NESTING = 64;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'startswith', 'groupby']);
const WORD_OPERATORS = new Set<Operator>(['contains', 'startswith', 'in']);

/**
 * The syntax tree of a query: `[expr] ['groupby' field (',' field)*]`, where `not` binds tighter
 * than `and`, and `and` tighter than `or`. Fields are checked later, against the columns.
 */
export function parseSearch(query: string): SearchQuery {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new SearchSyntaxError(query, MAX_QUERY_LENGTH, `the query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  return new Parser(query).query();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  query(): SearchQuery {
    const condition = this.atEnd() || this.atKeyword('groupby') ? null : this.or();
    const groupBy: FieldToken[] = [];
    if (this.atKeyword('groupby')) {
      this.position += 1;
      groupBy.push(this.field());
      while (this.peek().type === ',') {
        this.position += 1;
        groupBy.push(this.field());
      }
    }
    if (!this.atEnd()) {
      const expected = groupBy.length > 0 ? 'a comma and another field, or the end of the query' : 'and, or, groupby or the end of the query';
      throw this.error(`expected ${expected}`);
    }
    return { condition, groupBy };
  }

  private or(): Condition {
    const operands = [this.and()];
    while (this.atKeyword('or')) {
      this.position += 1;
      operands.push(this.and());
    }
    return operands.length === 1 ? (operands[0] as Condition) : { type: 'or', operands };
  }

  private and(): Condition {
    const operands = [this.unary()];
    while (this.atKeyword('and')) {
      this.position += 1;
      operands.push(this.unary());
    }
    return operands.length === 1 ? (operands[0] as Condition) : { type: 'and', operands };
  }

  private unary(): Condition {
    if (this.atKeyword('not')) {
      return this.nested(() => {
        this.position += 1;
        return { type: 'not', operand: this.unary() };
      });
    }
    if (this.peek().type === '(') {
      return this.nested(() => {
        this.position += 1;
        const condition = this.or();
        if (this.peek().type !== ')') throw this.error('expected ), and or or');
        this.position += 1;
        return condition;
      });
    }
    return this.comparison();
  }

  private nested(parse: () => Condition): Condition {
    if (this.depth >= MAX_NESTING) throw this.error(`parentheses and not nest at most ${MAX_NESTING} deep`);
    this.depth += 1;
    const condition = parse();
    this.depth -= 1;
    return condition;
  }

  private comparison(): Condition {
    const field = this.field();
    const token = this.peek();
    let operator: Operator;
    if (token.type === 'operator') {
      operator = token.operator;
    } else if (token.type === 'value' && !token.quoted && WORD_OPERATORS.has(token.text.toLowerCase() as Operator)) {
      operator = token.text.toLowerCase() as Operator;
    } else {
      throw this.error('expected an operator: = != > >= < <= contains startswith in');
    }
    this.position += 1;
    const values = operator === 'in' ? this.valueList() : [this.value()];
    return { type: 'comparison', field, operator, operatorIndex: token.index, values };
  }

  private valueList(): ValueToken[] {
    if (this.peek().type !== '(') throw this.error('expected ( to open the list of values');
    this.position += 1;
    const values = [this.value()];
    while (this.peek().type === ',') {
      this.position += 1;
      values.push(this.value());
    }
    if (this.peek().type !== ')') throw this.error('expected a comma and another value, or ) to close the list');
    this.position += 1;
    return values;
  }

  private field(): FieldToken {
    const token = this.peek();
    if (token.type !== 'value' || token.quoted || this.isKeyword(token)) throw this.error('expected a field');
    this.position += 1;
    return { name: token.text, index: token.index };
  }

  private value(): ValueToken {
    const token = this.peek();
    if (token.type !== 'value') throw this.error('expected a value');
    if (this.isKeyword(token)) throw this.error('expected a value (quote a keyword to search for it)');
    this.position += 1;
    return token;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private atEnd(): boolean {
    return this.peek().type === 'end';
  }

  private atKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.type === 'value' && !token.quoted && token.text.toLowerCase() === keyword;
  }

  private isKeyword(token: ValueToken): boolean {
    return !token.quoted && KEYWORDS.has(token.text.toLowerCase());
  }

  /** An error at the current token, naming it. */
  private error(expected: string): SearchSyntaxError {
    const token = this.peek();
    const found = token.type === 'end' ? 'the end of the query' : quoteToken(this.text.slice(token.index, token.end));
    return new SearchSyntaxError(this.text, token.index, `${expected}, found ${found}`);
  }
}
