import { compileFilter, type SearchScope } from '../query/search/compile-search.ts';
import { SqlParameters } from '../query/search/predicate-sql.ts';
import type { SqlValue } from '../query/search/search-predicate.ts';
import { quoteIdentifier } from '../schema/duckdb-columns.ts';

/** One statement and the values its `$1`, `$2` … bind. */
export interface Statement {
  sql: string;
  params: SqlValue[];
}

/** The columns the dashboard counts the top values of, each a field of the search language. */
const TOP_FIELDS = ['user_name', 'verb', 'object_resource', 'src_ip', 'cluster_name'] as const;
export type TopField = (typeof TOP_FIELDS)[number];
const TOP_VALUES = 10;
const TOP_CODES = 12;
/** Timeline bars: the first of these widths (ms) that gives at most this many bars over the range. */
const TIMELINE_BARS = 120;
const TIMELINE_WIDTHS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000, 86_400_000, 604_800_000, 2_592_000_000];

/** What the dashboard's panels show for the events a query finds in its scope. */
export interface Overview {
  total: number;
  /** Events per response-code class, `2xx` to `5xx` always present. */
  classes: { class: string; count: number }[];
  codes: { code: number; count: number }[];
  /** Bars of `width` ms from `from` (epoch ms) to `to`, counted by outcome; null when no event has a time. */
  timeline: { from: number; to: number; width: number; bars: { start: number; outcome: string; count: number }[] } | null;
  top: Record<TopField, { value: string; count: number }[]>;
}

const CLASSES = ['2xx', '3xx', '4xx', '5xx'];

/**
 * Every panel's counts in one statement, so the lake is read once: the matching events are
 * materialized, then each panel is a `UNION ALL` branch over them tagged by `panel`.
 */
export function overviewStatement(query: string, scope: SearchScope): Statement {
  const { conditions, parameters } = compileFilter(query, scope);
  const since = scope.since ? `CAST(${parameters.add(scope.since.toISOString())} AS TIMESTAMP)` : 'NULL';
  const until = scope.until ? `CAST(${parameters.add(scope.until.toISOString())} AS TIMESTAMP)` : 'NULL';
  const where = conditions.length > 0 ? `WHERE ${conditions.join('\n    AND ')}` : '';
  const top = (panel: string, value: string, limit: number) =>
    `(SELECT '${panel}' AS panel, CAST(${value} AS VARCHAR) AS value, NULL AS outcome, count(*) AS count FROM matched WHERE ${value} IS NOT NULL GROUP BY ALL ORDER BY count DESC, value LIMIT ${limit})`;
  const sql = `WITH matched AS MATERIALIZED (
  SELECT "response_code", "outcome", ${TOP_FIELDS.map(quoteIdentifier).join(', ')}, "time" AS ts
  FROM "events"
  ${where}
),
bounds AS (SELECT epoch_ms(coalesce(${since}, min(ts))) AS lo, epoch_ms(coalesce(${until}, max(ts) + INTERVAL 1 MILLISECOND)) AS hi FROM matched),
span AS (SELECT lo, hi, coalesce((SELECT min(w) FROM unnest([${TIMELINE_WIDTHS.join(', ')}]) AS widths(w) WHERE (hi - lo) / w <= ${TIMELINE_BARS}), ${TIMELINE_WIDTHS.at(-1)}) AS w FROM bounds)
SELECT 'total' AS panel, NULL AS value, NULL AS outcome, count(*) AS count FROM matched
UNION ALL SELECT 'class', CAST("response_code" // 100 AS VARCHAR) || 'xx', NULL, count(*) FROM matched WHERE "response_code" BETWEEN 100 AND 599 GROUP BY ALL
UNION ALL ${top('code', '"response_code"', TOP_CODES)}
UNION ALL ${TOP_FIELDS.map((field) => top(field, quoteIdentifier(field), TOP_VALUES)).join('\nUNION ALL ')}
UNION ALL SELECT 'span', CAST(lo // w * w AS VARCHAR), CAST(hi AS VARCHAR), w FROM span WHERE lo IS NOT NULL
UNION ALL SELECT 'bar', CAST(epoch_ms(ts) // w * w AS VARCHAR), "outcome", count(*) FROM matched, span WHERE ts IS NOT NULL GROUP BY ALL`;
  return { sql, params: parameters.values };
}

/** The overview's panels from the rows of its statement. */
export function overviewOf(rows: readonly Record<string, unknown>[]): Overview {
  const overview: Overview = {
    total: 0,
    classes: CLASSES.map((name) => ({ class: name, count: 0 })),
    codes: [],
    timeline: null,
    top: Object.fromEntries(TOP_FIELDS.map((field) => [field, []])) as unknown as Overview['top'],
  };
  const bars: { start: number; outcome: string; count: number }[] = [];
  for (const row of rows) {
    const panel = String(row.panel);
    const value = String(row.value);
    const count = Number(row.count);
    if (panel === 'total') overview.total = count;
    else if (panel === 'class') {
      const known = overview.classes.find((entry) => entry.class === value);
      if (known) known.count = count;
      else overview.classes.unshift({ class: value, count });
    } else if (panel === 'code') overview.codes.push({ code: Number(value), count });
    else if (panel === 'span') overview.timeline = { from: Number(value), to: Number(row.outcome), width: count, bars };
    else if (panel === 'bar') bars.push({ start: Number(value), outcome: String(row.outcome), count });
    else if ((TOP_FIELDS as readonly string[]).includes(panel)) overview.top[panel as TopField].push({ value, count });
  }
  // UNION ALL keeps no order across branches: each list is put in its own.
  overview.codes.sort((a, b) => b.count - a.count || a.code - b.code);
  for (const field of TOP_FIELDS) overview.top[field].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  bars.sort((a, b) => a.start - b.start || a.outcome.localeCompare(b.outcome));
  return overview;
}

/** The whole stored event with this id. */
export function eventStatement(eventId: string): Statement {
  const parameters = new SqlParameters();
  return { sql: `SELECT * FROM "events" WHERE "event_id" = ${parameters.add(eventId)} LIMIT 1`, params: parameters.values };
}

/** Whether the lake holds any finding at all: the findings panel shows only then. */
export const ANY_FINDING_STATEMENT: Statement = { sql: 'SELECT count(*) AS n FROM (SELECT 1 FROM findings LIMIT 1)', params: [] };

/** The newest findings in a time range. */
export function findingsStatement(scope: { since: Date | null; until: Date | null; limit: number }): Statement {
  const parameters = new SqlParameters();
  const conditions: string[] = [];
  if (scope.since) conditions.push(`"time" >= CAST(${parameters.add(scope.since.toISOString())} AS TIMESTAMP)`);
  if (scope.until) conditions.push(`"time" < CAST(${parameters.add(scope.until.toISOString())} AS TIMESTAMP)`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return {
    sql: `SELECT * FROM "findings"${where} ORDER BY "time" DESC NULLS LAST LIMIT ${parameters.add(scope.limit)}`,
    params: parameters.values,
  };
}
