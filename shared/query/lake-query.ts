import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api';
import { oneRowPerEventSql } from '../dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS, type Column, type ColumnKind, QUARANTINE_COLUMNS } from '../schema/columns.ts';
import { EVENTS_PREFIX, OBJECT_SUFFIX, QUARANTINE_PREFIX } from '../store/layout.ts';
import { ALL_TIME, type TimeRange } from './time-range.ts';

const DUCKDB_TYPES: Record<ColumnKind, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  string_array: 'VARCHAR[]',
  json: 'JSON',
};

/** A query result with JSON-safe values: JSON columns parsed, integers as numbers where exact. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * DuckDB over a lake directory laid out as docs/contracts.md#store-layout says, with the views `events_all` (every stored
 * row), `events` (one row per event_id) and `quarantine`, holding the rows of a time range.
 */
export class LakeQuery {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(root: string, range: TimeRange = ALL_TIME): Promise<LakeQuery> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const lake = new LakeQuery(instance, connection);
    await connection.run(viewSql('events_all', path.join(root, EVENTS_PREFIX), CANONICAL_COLUMNS, range));
    await connection.run(`CREATE VIEW events AS ${oneRowPerEventSql('events_all')}`);
    await connection.run(viewSql('quarantine', path.join(root, QUARANTINE_PREFIX), QUARANTINE_COLUMNS, range));
    return lake;
  }

  async run(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowObjectsJson().map((row) => {
      const result: Record<string, unknown> = {};
      columns.forEach((name, index) => {
        result[name] = jsSafe(row[name], types[index] as DuckDBType);
      });
      return result;
    });
    return { columns, rows };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A typed view over the gzip NDJSON objects of every dt/hour partition under `directory` (empty when there are none). */
function viewSql(name: string, directory: string, columns: readonly Column[], range: TimeRange): string {
  const hasFiles = existsSync(directory) && readdirSync(directory, { recursive: true }).some((entry) => String(entry).endsWith(OBJECT_SUFFIX));
  const typed = columns.map((column) => `${quoteIdentifier(column.name)}: ${quoteLiteral(DUCKDB_TYPES[column.kind])}`).join(', ');
  if (!hasFiles) {
    const empty = columns.map((column) => `CAST(NULL AS ${DUCKDB_TYPES[column.kind]}) AS ${quoteIdentifier(column.name)}`);
    return `CREATE VIEW ${name} AS SELECT ${empty.join(', ')}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS hour WHERE false`;
  }
  const glob = path.join(directory, 'dt=*', 'hour=*', `*${OBJECT_SUFFIX}`);
  return `CREATE VIEW ${name} AS SELECT * FROM read_json(${quoteLiteral(glob)},
    format = 'newline_delimited', compression = 'gzip', columns = {${typed}},
    hive_partitioning = true, hive_types_autocast = false, maximum_object_size = 67108864)${rangeCondition(range)}`;
}

/**
 * ` WHERE …` keeping the rows of a time range. The `dt` bounds let DuckDB skip whole partitions'
 * files; the `time` bounds make the range exact. TRY_CAST: a malformed time leaves the range.
 */
function rangeCondition(range: TimeRange): string {
  const conditions: string[] = [];
  if (range.since) {
    conditions.push(`dt >= ${quoteLiteral(range.since.toISOString().slice(0, 10))}`);
    conditions.push(`TRY_CAST(time AS TIMESTAMP) >= ${timestampLiteral(range.since)}`);
  }
  if (range.until) {
    conditions.push(`dt <= ${quoteLiteral(range.until.toISOString().slice(0, 10))}`);
    conditions.push(`TRY_CAST(time AS TIMESTAMP) < ${timestampLiteral(range.until)}`);
  }
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

function timestampLiteral(time: Date): string {
  return `TIMESTAMP ${quoteLiteral(time.toISOString().replace('T', ' ').replace('Z', ''))}`;
}

function jsSafe(value: unknown, type: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  if (type.alias === 'JSON' && typeof value === 'string') return JSON.parse(value);
  if (typeof value === 'string' && /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type.toString())) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  }
  return value;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
