import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api';
import { FileObjectStore } from '../store/file-object-store.ts';
import { listHourTiers, listPartitioned } from '../store/lake-tiers.ts';
import { FINDINGS_PREFIX, OBJECT_SUFFIX, QUARANTINE_PREFIX } from '../store/layout.ts';
import { FINDINGS_VIEWS } from './findings-view.ts';
import { LAKE_VIEWS, type LakeFiles } from './lake-views.ts';
import { ALL_TIME, daysOf, partitionOverlaps, type TimeRange } from './time-range.ts';

/** A query result with JSON-safe values: JSON columns parsed, integers as numbers where exact, times as ISO-8601 UTC. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/**
 * DuckDB over a lake directory (docs/contracts.md#query-tier), with the views of {@link LAKE_VIEWS}
 * over the rows of a time range: `events_all` (every stored row), `events` (one row per event_id,
 * from the Parquet of compacted hours and the NDJSON objects no compaction covers), `quarantine`
 * and `events_ocsf`.
 */
export class LakeQuery {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(root: string, range: TimeRange = ALL_TIME, now: Date = new Date()): Promise<LakeQuery> {
    // Parquet footers are kept between statements: the objects never change (named by their bytes),
    // and a dashboard asks several questions of the same week of hourly files.
    const instance = await DuckDBInstance.create(':memory:', { enable_object_cache: 'true' });
    const connection = await instance.connect();
    const lake = new LakeQuery(instance, connection);
    const files = await lakeFilesOf(root, range, now);
    for (const view of [...LAKE_VIEWS, ...FINDINGS_VIEWS]) await connection.run(`CREATE VIEW ${view.name} AS ${view.sql(files)}`);
    return lake;
  }

  /** Runs SQL; `params`, when given, bind its `$1`, `$2` … in order (values never become SQL text). */
  async run(sql: string, params?: readonly (string | number | boolean)[]): Promise<QueryResult> {
    // A connection per statement: statements asked at once (a dashboard's panels) run side by side.
    const connection = await this.instance.connect();
    let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
    try {
      reader = await connection.runAndReadAll(sql, params && [...params]);
    } finally {
      connection.closeSync();
    }
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

/** The files of the hours a range touches, by tier, as paths under `root`. */
async function lakeFilesOf(root: string, range: TimeRange, now: Date): Promise<LakeFiles> {
  const store = new FileObjectStore(`file://${encodeURI(path.resolve(root))}`);
  const days = daysOf(range, now);
  const inRange = (partition: { dt: string; hour: string }) => partitionOverlaps(range, partition);
  const hours = await listHourTiers(store, days, inRange);
  const local = (key: string) => path.join(root, key);
  const quarantine = (await listPartitioned(store, QUARANTINE_PREFIX, OBJECT_SUFFIX, days, inRange)).map(({ object }) => local(object.key));
  const findings = (await listPartitioned(store, FINDINGS_PREFIX, OBJECT_SUFFIX, days, inRange)).map(({ object }) => local(object.key));
  return {
    range,
    stored: hours.flatMap((hour) => hour.objects.map((object) => local(object.key))),
    compacted: hours.flatMap((hour) => (hour.manifest?.parquet ?? []).map((object) => local(object.key))),
    uncovered: hours.flatMap((hour) => hour.uncovered.map((object) => local(object.key))),
    lateCompacted: hours.filter((hour) => hour.manifest && hour.uncovered.length > 0).flatMap((hour) => (hour.manifest?.parquet ?? []).map((object) => local(object.key))),
    quarantine,
    findings,
  };
}

function jsSafe(value: unknown, type: DuckDBType): unknown {
  if (value === null || value === undefined) return null;
  if (type.alias === 'JSON' && typeof value === 'string') return JSON.parse(value);
  if (typeof value === 'string' && type.toString() === 'TIMESTAMP') return `${value.replace(' ', 'T')}Z`;
  if (typeof value === 'string' && /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type.toString())) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  }
  return value;
}
