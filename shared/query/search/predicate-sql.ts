import type { Column } from '../../schema/columns.ts';
import { quoteIdentifier } from '../../schema/duckdb-columns.ts';
import type { Predicate, SqlValue, Test } from './search-predicate.ts';

/**
 * The values of a statement, bound as `$1`, `$2` … in the order they are added. SQL text is
 * built only from column names and fixed words: every value goes through here.
 */
export class SqlParameters {
  readonly values: SqlValue[] = [];
  private likeEscape: string | null = null;

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** The placeholder of the LIKE escape character, bound once however many patterns use it. */
  escape(): string {
    this.likeEscape ??= this.add('\\');
    return this.likeEscape;
  }
}

/** DuckDB SQL for a predicate, true or false for every row (NULL only where NULL means false). */
export function predicateSql(predicate: Predicate, parameters: SqlParameters): string {
  switch (predicate.type) {
    case 'constant':
      return predicate.value ? 'TRUE' : 'FALSE';
    case 'and':
    case 'or':
      return `(${predicate.operands.map((operand) => predicateSql(operand, parameters)).join(predicate.type === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      // A test of an absent (NULL) value is NULL, which AND and OR already treat as false; only
      // NOT would keep it unknown. IS NOT TRUE makes `not` the complement.
      return `(${predicateSql(predicate.operand, parameters)}) IS NOT TRUE`;
    case 'test':
      return columnTestSql(predicate.column, predicate.test, parameters);
  }
}

/** A timestamp as ISO-8601 text in UTC with microseconds, as the canonical event writes its times. */
const ISO_TEXT = '%Y-%m-%dT%H:%M:%S.%fZ';

/** A test of a column: of any element for a list, of the text for JSON. */
function columnTestSql(column: Column, test: Test, parameters: SqlParameters): string {
  const reference = quoteIdentifier(column.name);
  switch (column.kind) {
    case 'string_array':
      return `len(list_filter(${reference}, lambda element: ${testSql('element', test, parameters)})) > 0`;
    case 'json':
      return testSql(`CAST(${reference} AS VARCHAR)`, test, parameters);
    default:
      // The views type `time` and `ingest_time` as timestamps; the language compares times as ISO-8601 text.
      if (column.timestamp) return testSql(`strftime(${reference}, '${ISO_TEXT}')`, test, parameters);
      return testSql(reference, test, parameters);
  }
}

function testSql(subject: string, test: Test, parameters: SqlParameters): string {
  switch (test.type) {
    case 'equals':
      return `${subject} = ${parameters.add(test.value)}`;
    case 'order':
      return `${subject} ${test.operator} ${parameters.add(test.value)}`;
    case 'like':
      return `${subject} ${test.ignoreCase ? 'ILIKE' : 'LIKE'} ${parameters.add(test.pattern)} ESCAPE ${parameters.escape()}`;
  }
}
