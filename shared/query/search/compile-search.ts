import * as z from 'zod';
import type { Column } from '../../schema/columns.ts';
import { quoteIdentifier } from '../../schema/duckdb-columns.ts';
import { predicateSql, SqlParameters } from './predicate-sql.ts';
import { resolveField } from './search-fields.ts';
import { type FieldToken, parseSearch, type SearchQuery } from './search-parser.ts';
import { predicateOf, type SqlValue } from './search-predicate.ts';
import { SearchSyntaxError } from './search-syntax-error.ts';

/** Where a search looks, set by the caller (not by the query): a view, a time range, a cluster, a page. */
const SearchScopeSchema = z.object({
  view: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a view name: lower-case letters, digits and _'),
  /** Events at or after this time. */
  since: z.date().nullable().default(null),
  /** Events before this time. */
  until: z.date().nullable().default(null),
  /** Only events of this cluster_name. */
  cluster: z.string().nullable().default(null),
  /** At most this many rows (events, or groups); null returns them all. */
  limit: z.number().int().positive().nullable().default(null),
  offset: z.number().int().nonnegative().default(0),
});
export type SearchScope = z.input<typeof SearchScopeSchema>;

/**
 * A query compiled to one DuckDB statement. `params` bind its `$1`, `$2` … in order. `events`
 * returns the view's rows, newest first; `groups` returns `groupFields` (named as the query wrote
 * them) and `count`, largest count first.
 */
export interface CompiledSearch {
  sql: string;
  params: SqlValue[];
  kind: 'events' | 'groups';
  groupFields: string[];
}

/** What a query and its scope ask of rows: SQL conditions (all must hold; none: every row) and the parameters they bind. */
export interface SearchFilter {
  conditions: string[];
  parameters: SqlParameters;
}

/**
 * The conditions of a query's filter within a scope, without its `groupby`, for a caller that
 * reads the matching rows its own way (the dashboard's counts). The scope's page is not used.
 */
export function compileFilter(query: string, scope: SearchScope): SearchFilter {
  const parsed = parseSearch(query);
  // The same query is refused here as by compileSearch, its groupby included.
  groupColumns(query, parsed.groupBy);
  return filterOf(query, parsed, SearchScopeSchema.parse(scope));
}

/** Compiles a search query; a query that does not compile throws a SearchSyntaxError pointing at it. */
export function compileSearch(query: string, scope: SearchScope): CompiledSearch {
  const parsedScope = SearchScopeSchema.parse(scope);
  const { view, limit, offset } = parsedScope;
  const parsed = parseSearch(query);
  const { conditions, parameters } = filterOf(query, parsed, parsedScope);
  const groups = groupColumns(query, parsed.groupBy);

  const where = conditions.length > 0 ? [`WHERE ${conditions.join('\n  AND ')}`] : [];
  const paging = [...(limit !== null ? [`LIMIT ${parameters.add(limit)}`] : []), ...(offset > 0 ? [`OFFSET ${parameters.add(offset)}`] : [])];
  const lines =
    groups.length > 0
      ? [
          `SELECT ${groups.map(({ column, field }) => `${quoteIdentifier(column.name)} AS ${quoteIdentifier(field.name)}`).join(', ')}, count(*) AS "count"`,
          `FROM ${quoteIdentifier(view)}`,
          ...where,
          // Ties in count keep a stable order, by the group values.
          'GROUP BY ALL',
          `ORDER BY "count" DESC, ${groups.map((_, index) => index + 1).join(', ')}`,
          ...paging,
        ]
      : limit === null
        ? ['SELECT *', `FROM ${quoteIdentifier(view)}`, ...where, NEWEST_FIRST]
        : pageOfEvents(view, where, paging);
  return {
    sql: lines.join('\n'),
    params: parameters.values,
    kind: groups.length === 0 ? 'events' : 'groups',
    groupFields: groups.map(({ field }) => field.name),
  };
}

const NEWEST_FIRST = 'ORDER BY "time" DESC NULLS LAST, "event_id"';

/**
 * A page of events in two steps: the page's `event_id` and `time` first, reading only those two
 * columns of the matching rows; then the whole rows of that page only. Joined on `time` as well,
 * the second step's scan skips every Parquet row group whose times lie outside the page's, so the
 * wide columns (request and response objects) are read for the page alone, not for every match.
 * The view holds one row per event, and every stored event has a readable time (normalization
 * gives it one), so the join finds each row of the page once.
 */
function pageOfEvents(view: string, where: readonly string[], paging: readonly string[]): string[] {
  return [
    'WITH page AS MATERIALIZED (',
    `  SELECT "event_id", "time" FROM ${quoteIdentifier(view)}`,
    ...where.map((line) => `  ${line.replaceAll('\n', '\n  ')}`),
    `  ${NEWEST_FIRST}`,
    ...paging.map((line) => `  ${line}`),
    ')',
    `SELECT ${quoteIdentifier(view)}.* FROM ${quoteIdentifier(view)} JOIN page USING ("event_id", "time")`,
    NEWEST_FIRST,
  ];
}

function filterOf(query: string, parsed: SearchQuery, { since, until, cluster }: z.output<typeof SearchScopeSchema>): SearchFilter {
  const predicate = parsed.condition === null ? null : predicateOf(query, parsed.condition);
  const parameters = new SqlParameters();
  const conditions: string[] = [];
  if (predicate !== null && !(predicate.type === 'constant' && predicate.value)) {
    // A top-level `and` is written one condition a line, as the scope's conditions are.
    const parts = predicate.type === 'and' ? predicate.operands : [predicate];
    conditions.push(...parts.map((part) => predicateSql(part, parameters)));
  }
  // The views type `time` as a TIMESTAMP: compared as one, the bound reaches Parquet's row-group statistics.
  if (since !== null) conditions.push(`"time" >= CAST(${parameters.add(since.toISOString())} AS TIMESTAMP)`);
  if (until !== null) conditions.push(`"time" < CAST(${parameters.add(until.toISOString())} AS TIMESTAMP)`);
  if (cluster !== null) conditions.push(`"cluster_name" = ${parameters.add(cluster)}`);
  return { conditions, parameters };
}

/** The columns of a `groupby`, each once; `logtype` is not a column. */
function groupColumns(query: string, fields: FieldToken[]): { field: FieldToken; column: Column }[] {
  const groups: { field: FieldToken; column: Column }[] = [];
  for (const field of fields) {
    const resolved = resolveField(query, field);
    if (resolved.type === 'logtype') throw new SearchSyntaxError(query, field.index, 'logtype is the same for every event: it cannot be grouped by');
    if (groups.some((group) => group.column === resolved.column)) throw new SearchSyntaxError(query, field.index, `${resolved.column.name} is grouped by already`);
    groups.push({ field, column: resolved.column });
  }
  return groups;
}
