/**
 * The views `kaudit query` offers, in creation order (a view may read the ones before it). Each is
 * SQL over the lake's files in range; a module adding a view adds one entry to {@link LAKE_VIEWS}.
 */
import { oneRowPerEventSql } from '../dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS, type Column, QUARANTINE_COLUMNS } from '../schema/columns.ts';
import { columnList, emptyTypedSelect, listLiteral, ndjsonColumnsArgument, quoteLiteral, typedSelectList } from '../schema/duckdb-columns.ts';
import { EVENTS_OCSF_SQL } from './ocsf-view.ts';
import type { TimeRange } from './time-range.ts';

/** The lake's files in a time range, by tier: absolute paths. */
export interface LakeFiles {
  range: TimeRange;
  /** Every NDJSON event object (the evidence tier). */
  stored: string[];
  /** The Parquet objects of compacted hours, through their covering manifests. */
  compacted: string[];
  /** The NDJSON event objects no manifest covers. */
  uncovered: string[];
  /** The Parquet objects of compacted hours that also have uncovered objects: what those must be checked against. */
  lateCompacted: string[];
  quarantine: string[];
  /** Every stored findings object (findings-view.ts). */
  findings: string[];
}

export interface LakeView {
  name: string;
  /** The SELECT the view is. */
  sql: (files: LakeFiles) => string;
  /** The views that SELECT reads, created before it. */
  reads?: readonly string[];
}

const PARTITION_COLUMNS = ['dt', 'hour'] as const;

/** Every stored row, read from the NDJSON objects. */
const eventsAllView: LakeView = { name: 'events_all', sql: (files) => ndjsonSelect(files.stored, CANONICAL_COLUMNS, files.range) };

/**
 * One row per event: the Parquet rows of compacted hours, and one row per event of the objects no
 * manifest covers, less those a compacted hour already holds. Every window and join is within an
 * hour (`dt`, `hour`, `time`), so filters on them reach the files.
 */
const eventsView: LakeView = {
  name: 'events',
  sql: (files) => {
    const parts: string[] = [];
    if (files.compacted.length > 0) parts.push(`SELECT ${columnList(CANONICAL_COLUMNS)}, dt, hour FROM ${parquetRead(files.compacted)}${rangeCondition(files.range)}`);
    if (files.uncovered.length > 0) {
      const fresh = `(${oneRowPerEventSql(`(${ndjsonSelect(files.uncovered, CANONICAL_COLUMNS, files.range)})`, [...PARTITION_COLUMNS, 'time'])})`;
      const notCompacted =
        files.lateCompacted.length === 0
          ? ''
          : ` WHERE NOT EXISTS (SELECT 1 FROM ${parquetRead(files.lateCompacted)} AS compacted
              WHERE compacted.dt = fresh.dt AND compacted.hour = fresh.hour AND compacted.event_id = fresh.event_id)`;
      parts.push(`SELECT ${columnList(CANONICAL_COLUMNS)}, dt, hour FROM ${fresh} AS fresh${notCompacted}`);
    }
    return parts.length > 0 ? parts.join('\nUNION ALL\n') : emptySelect(CANONICAL_COLUMNS);
  },
};

const quarantineView: LakeView = { name: 'quarantine', sql: (files) => ndjsonSelect(files.quarantine, QUARANTINE_COLUMNS, files.range) };

/** `events` as OCSF API Activity events (./ocsf-view.ts). */
const eventsOcsfView: LakeView = { name: 'events_ocsf', sql: () => EVENTS_OCSF_SQL, reads: ['events'] };

export const LAKE_VIEWS: readonly LakeView[] = [eventsAllView, eventsView, quarantineView, eventsOcsfView];

/** Typed rows of gzip NDJSON files, with their partition columns. */
export function ndjsonSelect(files: readonly string[], columns: readonly Column[], range: TimeRange): string {
  if (files.length === 0) return emptySelect(columns);
  return `SELECT ${typedSelectList(columns)}, dt, hour FROM read_json(${listLiteral(files)},
    format = 'newline_delimited', compression = 'gzip', columns = ${ndjsonColumnsArgument(columns)},
    hive_partitioning = true, hive_types_autocast = false, maximum_object_size = 67108864)${rangeCondition(range, true)}`;
}

function parquetRead(files: readonly string[]): string {
  return `read_parquet(${listLiteral(files)}, hive_partitioning = true, hive_types_autocast = false)`;
}

function emptySelect(columns: readonly Column[]): string {
  return `SELECT ${emptyTypedSelect(columns)}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS hour WHERE false`;
}

/**
 * ` WHERE …` keeping the rows of a time range: files outside it are already left out, so only the
 * hours at its ends need the row test. TRY_CAST when reading text: a malformed time leaves the range.
 */
function rangeCondition(range: TimeRange, fromText = false): string {
  const time = fromText ? 'TRY_CAST(time AS TIMESTAMP)' : 'time';
  const conditions: string[] = [];
  if (range.since) conditions.push(`${time} >= ${timestampLiteral(range.since)}`);
  if (range.until) conditions.push(`${time} < ${timestampLiteral(range.until)}`);
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

function timestampLiteral(time: Date): string {
  return `TIMESTAMP ${quoteLiteral(time.toISOString().replace('T', ' ').replace('Z', ''))}`;
}
