import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBType } from '@duckdb/node-api';
import { messageOf } from '../core/errors.ts';
import { FileObjectStore } from '../store/file-object-store.ts';
import { listHourTiers, listPartitioned } from '../store/lake-tiers.ts';
import { FINDINGS_PREFIX, OBJECT_SUFFIX, QUARANTINE_PREFIX } from '../store/layout.ts';
import { FINDINGS_VIEWS } from './findings-view.ts';
import { LAKE_VIEWS, type LakeFiles, type LakeView } from './lake-views.ts';
import { ALL_TIME, daysOf, partitionOverlaps, type TimeRange } from './time-range.ts';

/** A view over the lake's files could not be created (an object DuckDB cannot read): the lake's fault, not the statement's. */
export class LakeViewError extends Error {
  override name = 'LakeViewError';
}

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
  /** The views created so far, or being created: a statement waits for the ones it names. */
  private readonly views = new Map<string, Promise<void>>();
  /** View creation, one statement after another on the lake's own connection. */
  private creating: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly files: LakeFiles,
  ) {}

  static async open(root: string, range: TimeRange = ALL_TIME, now: Date = new Date()): Promise<LakeQuery> {
    // DuckDB starts while the lake is listed. Parquet footers are kept between statements: the
    // objects never change (named by their bytes), and a dashboard asks several questions of the
    // same week of hourly files.
    const [instance, files] = await Promise.all([DuckDBInstance.create(':memory:', { enable_object_cache: 'true' }), lakeFilesOf(root, range, now)]);
    return new LakeQuery(instance, await instance.connect(), files);
  }

  /** Runs SQL; `params`, when given, bind its `$1`, `$2` … in order (values never become SQL text). */
  async run(sql: string, params?: readonly (string | number | boolean)[]): Promise<QueryResult> {
    await Promise.all(viewsFor(sql).map((view) => this.createView(view))).catch((error: unknown) => {
      throw new LakeViewError(messageOf(error).split('\n')[0] ?? 'unknown error', { cause: error });
    });
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

  /** Creates a view, after the views it reads, once. */
  private createView(view: LakeView): Promise<void> {
    let created = this.views.get(view.name);
    if (!created) {
      const before = Promise.all((view.reads ?? []).map((name) => this.createView(viewNamed(name))));
      created = before.then(() => this.serially(() => this.connection.run(`CREATE VIEW ${view.name} AS ${view.sql(this.files)}`)));
      this.views.set(view.name, created);
    }
    return created;
  }

  private serially(step: () => Promise<unknown>): Promise<void> {
    const done = this.creating.then(step);
    this.creating = done.catch(() => undefined);
    return done.then(() => undefined);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

const VIEWS: readonly LakeView[] = [...LAKE_VIEWS, ...FINDINGS_VIEWS];

/** Statements that read the catalog (`SHOW TABLES`, `information_schema`…) see every view. */
const READS_CATALOG = /\b(show|describe|summarize|pragma|information_schema|pg_catalog|duckdb_\w+)\b/i;

/**
 * The views a statement needs: the ones it names (a name anywhere in its text, so a false match
 * only costs a view created for nothing), or all of them when it names none or reads the catalog.
 * Binding a view over a week of objects costs tens of milliseconds, and most statements read one.
 */
function viewsFor(sql: string): readonly LakeView[] {
  const text = sql.toLowerCase();
  const named = VIEWS.filter((view) => text.includes(view.name));
  return named.length === 0 || READS_CATALOG.test(sql) ? VIEWS : named;
}

function viewNamed(name: string): LakeView {
  const view = VIEWS.find((candidate) => candidate.name === name);
  if (!view) throw new Error(`no lake view named ${name}`);
  return view;
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
