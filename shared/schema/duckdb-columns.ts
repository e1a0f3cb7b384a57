/**
 * The columns of a kaudit schema as DuckDB reads them: from the gzip NDJSON objects (times as their
 * stored text) and as typed rows (times as timestamps), which is what the Parquet tier holds.
 */
import type { Column, ColumnKind } from './columns.ts';

const DUCKDB_TYPES: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  string_array: 'VARCHAR[]',
  json: 'JSON',
};

/** The DuckDB type a column has in the views and in Parquet: a time is a TIMESTAMP (UTC, microseconds). */
function duckdbTypeOf(column: Column): string {
  return column.timestamp ? 'TIMESTAMP' : DUCKDB_TYPES[column.kind];
}

/** The `columns = {…}` argument of `read_json` for NDJSON objects: every column as stored, times as text. */
export function ndjsonColumnsArgument(columns: readonly Column[]): string {
  return `{${columns.map((column) => `${quoteIdentifier(column.name)}: ${quoteLiteral(DUCKDB_TYPES[column.kind])}`).join(', ')}}`;
}

/**
 * The select list turning NDJSON rows into typed rows, in schema order. TRY_CAST: a time that is not
 * one reads as NULL instead of failing the whole query (compaction refuses such an hour: count-checked).
 */
export function typedSelectList(columns: readonly Column[]): string {
  return columns
    .map((column) => (column.timestamp ? `TRY_CAST(${quoteIdentifier(column.name)} AS TIMESTAMP) AS ${quoteIdentifier(column.name)}` : quoteIdentifier(column.name)))
    .join(', ');
}

/** The select list of the columns by name, in schema order. */
export function columnList(columns: readonly Column[]): string {
  return columns.map((column) => quoteIdentifier(column.name)).join(', ');
}

/** A row of NULLs of the typed columns, for a view over no objects. */
export function emptyTypedSelect(columns: readonly Column[]): string {
  return columns.map((column) => `CAST(NULL AS ${duckdbTypeOf(column)}) AS ${quoteIdentifier(column.name)}`).join(', ');
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A DuckDB list literal of strings: `['a', 'b']`. */
export function listLiteral(texts: readonly string[]): string {
  return `[${texts.map(quoteLiteral).join(', ')}]`;
}
