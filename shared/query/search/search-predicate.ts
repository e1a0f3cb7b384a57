import type { Column, ColumnKind } from '../../schema/columns.ts';
import { LOGTYPE_VALUE, resolveField } from './search-fields.ts';
import type { ValueToken } from './search-lexer.ts';
import type { Condition, Operator } from './search-parser.ts';
import { quoteToken, SearchSyntaxError } from './search-syntax-error.ts';

/** A value a test compares a column with, bound as a statement parameter. */
export type SqlValue = string | number | boolean;

type OrderOperator = '>' | '>=' | '<' | '<=';

/**
 * What one column of an event is tested for. A pattern is a LIKE pattern with `\` as its escape
 * character; `ignoreCase` makes it ILIKE.
 */
export type Test = { type: 'equals'; value: SqlValue } | { type: 'like'; pattern: string; ignoreCase: boolean } | { type: 'order'; operator: OrderOperator; value: SqlValue };

/**
 * A query's condition with fields resolved and values typed: what the SQL says, before it is
 * SQL. Every node is true or false for an event, never unknown: `not` is the complement.
 */
export type Predicate =
  | { type: 'constant'; value: boolean }
  | { type: 'and' | 'or'; operands: Predicate[] }
  | { type: 'not'; operand: Predicate }
  | { type: 'test'; column: Column; test: Test };

const ORDER: readonly Operator[] = ['>', '>=', '<', '<='];
const OPERATORS: Record<ColumnKind, readonly Operator[]> = {
  string: ['=', '!=', 'in', ...ORDER, 'contains', 'startswith'],
  string_array: ['=', '!=', 'in', 'contains', 'startswith'],
  json: ['contains'],
  integer: ['=', '!=', 'in', ...ORDER],
  number: ['=', '!=', 'in', ...ORDER],
  boolean: ['=', '!=', 'in'],
};
const KIND_NAMES: Record<ColumnKind, string> = {
  string: 'text',
  string_array: 'a list of text',
  json: 'JSON',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The predicate of a parsed condition; a field, operator or value that does not fit throws a SearchSyntaxError at it. */
export function predicateOf(query: string, condition: Condition): Predicate {
  switch (condition.type) {
    case 'and':
    case 'or':
      return combine(
        condition.type,
        condition.operands.map((operand) => predicateOf(query, operand)),
      );
    case 'not':
      return negate(predicateOf(query, condition.operand));
    case 'comparison':
      return comparisonPredicate(query, condition);
  }
}

function comparisonPredicate(query: string, comparison: Extract<Condition, { type: 'comparison' }>): Predicate {
  const field = resolveField(query, comparison.field);
  const { operator, values } = comparison;
  if (field.type === 'logtype') return logtypePredicate(query, comparison);
  const { column } = field;
  if (!OPERATORS[column.kind].includes(operator)) {
    const allowed = OPERATORS[column.kind].join(' ');
    throw new SearchSyntaxError(query, comparison.operatorIndex, `${operator} does not apply to ${column.name}, which is ${KIND_NAMES[column.kind]}: use ${allowed}`);
  }
  const testOf = (test: Test): Predicate => ({ type: 'test', column, test });
  const first = values[0] as ValueToken;
  switch (operator) {
    case '=':
    case 'in':
      return combine(
        'or',
        values.map((value) => testOf(equalsTest(query, column, value))),
      );
    case '!=':
      return negate(testOf(equalsTest(query, column, first)));
    case 'contains':
      return testOf({ type: 'like', pattern: `%${likeLiteral(first.text)}%`, ignoreCase: true });
    case 'startswith':
      return testOf({ type: 'like', pattern: `${likeLiteral(first.text)}%`, ignoreCase: true });
    default:
      return testOf({ type: 'order', operator, value: scalarOf(query, column, first) });
  }
}

/** `=`: the exact value, or a case-sensitive pattern when a text value has wildcards. */
function equalsTest(query: string, column: Column, value: ValueToken): Test {
  const isText = column.kind === 'string' || column.kind === 'string_array';
  if (isText && value.pieces.length > 1) return { type: 'like', pattern: value.pieces.map(likeLiteral).join('%'), ignoreCase: false };
  return { type: 'equals', value: scalarOf(query, column, value) };
}

/** A value as the column's kind holds it: text, a number or a boolean. */
function scalarOf(query: string, column: Column, value: ValueToken): SqlValue {
  switch (column.kind) {
    case 'integer':
    case 'number': {
      const number = NUMBER.test(value.text) ? Number(value.text) : Number.NaN;
      // Beyond 2^53 a JS number is no longer exact, and a binder would widen it past BIGINT.
      if (Number.isFinite(number) && Math.abs(number) <= Number.MAX_SAFE_INTEGER) return number;
      const reason = Number.isNaN(number) ? `${column.name} is ${KIND_NAMES[column.kind]}` : 'this number is out of range';
      throw new SearchSyntaxError(query, value.index, `${reason}, found ${quoteToken(value.text)}`);
    }
    case 'boolean': {
      const word = value.text.toLowerCase();
      if (word === 'true' || word === 'false') return word === 'true';
      throw new SearchSyntaxError(query, value.index, `${column.name} is true or false, found ${quoteToken(value.text)}`);
    }
    default:
      return value.text;
  }
}

function logtypePredicate(query: string, comparison: Extract<Condition, { type: 'comparison' }>): Predicate {
  const expected = `logtype only takes = ${JSON.stringify(LOGTYPE_VALUE)}: kaudit holds nothing else`;
  if (comparison.operator !== '=') throw new SearchSyntaxError(query, comparison.operatorIndex, expected);
  const value = comparison.values[0] as ValueToken;
  if (value.text !== LOGTYPE_VALUE) throw new SearchSyntaxError(query, value.index, `${expected}, found ${quoteToken(value.text)}`);
  return { type: 'constant', value: true };
}

/** `and`/`or` with constants folded away, so no parameter is bound for a test the SQL drops. */
function combine(type: 'and' | 'or', operands: Predicate[]): Predicate {
  const absorbing = type === 'or';
  const kept: Predicate[] = [];
  for (const operand of operands) {
    if (operand.type === 'constant') {
      if (operand.value === absorbing) return operand;
    } else {
      kept.push(operand);
    }
  }
  if (kept.length === 0) return { type: 'constant', value: !absorbing };
  return kept.length === 1 ? (kept[0] as Predicate) : { type, operands: kept };
}

function negate(operand: Predicate): Predicate {
  return operand.type === 'constant' ? { type: 'constant', value: !operand.value } : { type: 'not', operand };
}

/** Text matched literally inside a LIKE pattern whose escape character is `\`. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
