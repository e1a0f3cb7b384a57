/**
 * Athena's `events` view: every event once, over both tiers. Athena cannot read the compaction
 * manifests that tell `kaudit query` which NDJSON objects an hour's Parquet covers, so the view
 * splits by time instead: hours that ended more than `lagHours` ago come from the Parquet table
 * (the scheduled compaction has compacted them by then), newer hours from the NDJSON table, one row
 * per `event_id` by the dedupe rule. Generated from the canonical columns, like the tables.
 */
import { COPY_ORDER, DEDUPE_KEY } from '../../shared/dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS } from '../../shared/schema/columns.ts';
import { type GlueColumn, glueColumnsOf } from './glue-columns.ts';

export interface EventsViewTables {
  /** The NDJSON table: every stored row. */
  ndjson: string;
  /** The Parquet table, read through each hour's symlink list. */
  parquet: string;
  /** Hours ending longer ago than this read from Parquet: the compaction grace plus its schedule, with a margin. */
  lagHours: number;
}

const PARTITION_COLUMNS: GlueColumn[] = [
  { name: 'dt', type: 'string' },
  { name: 'hour', type: 'string' },
];

/** Presto (Athena engine) types of the view's Hive column types. */
const PRESTO_TYPES: Record<string, string> = {
  string: 'varchar',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  'array<string>': 'array(varchar)',
  timestamp: 'timestamp(3)',
};

/** The view's columns: the canonical columns as the Parquet tier types them, then `dt` and `hour`. */
export function eventsViewColumns(): GlueColumn[] {
  return [...glueColumnsOf(CANONICAL_COLUMNS, 'parquet'), ...PARTITION_COLUMNS];
}

export function eventsViewSql(tables: EventsViewTables): string {
  const names = CANONICAL_COLUMNS.map((column) => quoted(column.name));
  // The NDJSON tier holds times as ISO-8601 text; one that does not read as a time is NULL, as in kaudit query.
  const ndjsonColumns = CANONICAL_COLUMNS.map((column) =>
    column.timestamp ? `try(CAST(from_iso8601_timestamp(${quoted(column.name)}) AS timestamp)) AS ${quoted(column.name)}` : quoted(column.name),
  );
  const hourOf = "concat(dt, '-', hour)";
  const horizon = `date_format((current_timestamp AT TIME ZONE 'UTC') - INTERVAL '${tables.lagHours}' HOUR, '%Y-%m-%d-%H')`;
  return `SELECT ${names.join(', ')}, dt, hour
FROM ${tables.parquet}
WHERE ${hourOf} < ${horizon}
UNION ALL
SELECT ${names.join(', ')}, dt, hour
FROM (
  SELECT ${ndjsonColumns.join(', ')}, dt, hour,
    row_number() OVER (PARTITION BY dt, hour, ${DEDUPE_KEY} ORDER BY ${COPY_ORDER.join(', ')}) AS kaudit_copy
  FROM ${tables.ndjson}
  WHERE ${hourOf} >= ${horizon}
)
WHERE kaudit_copy = 1`;
}

/**
 * The view as the Glue Data Catalog stores an Athena view: the Presto view definition (SQL and
 * column types), base64 JSON inside a comment, which is what `CREATE VIEW` in Athena writes.
 */
export function prestoViewText(database: string, sql: string, columns: readonly GlueColumn[]): string {
  const definition = {
    originalSql: sql,
    catalog: 'awsdatacatalog',
    schema: database,
    columns: columns.map((column) => ({ name: column.name, type: prestoTypeOf(column.type) })),
  };
  return `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`;
}

function prestoTypeOf(hiveType: string): string {
  const type = PRESTO_TYPES[hiveType];
  if (type === undefined) throw new Error(`no Presto type for the Hive type ${hiveType}: add it to PRESTO_TYPES`);
  return type;
}

function quoted(name: string): string {
  return `"${name}"`;
}
