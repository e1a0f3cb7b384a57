/**
 * One hour's gzip NDJSON objects into Parquet files with DuckDB: one row per event (the dedupe rule),
 * sorted by time, typed columns from the zod schema, zstd, row groups with column statistics.
 *
 * Parsing the JSON is most of the work, so it is done once: every object is read into a **stage**, a
 * local Parquet file of typed rows in small row groups, objects in the order of their first event's
 * time. The stage is then written out in **time slices**, each sorted (and deduplicated, when it
 * holds a copy of an event twice) on its own, one Parquet file per slice; a slice's time filter
 * skips the stage's other row groups by their statistics. Memory follows the slice, not the hour,
 * and DuckDB spills to `spillDir` beyond `memoryLimit`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { oneRowPerEventSql } from '../dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS } from '../schema/columns.ts';
import { listLiteral, ndjsonColumnsArgument, quoteIdentifier, quoteLiteral, typedSelectList } from '../schema/duckdb-columns.ts';
import { inTimeOrder } from './source-order.ts';

export interface ParquetWriterOptions {
  /** DuckDB's memory limit, e.g. `128MB`. */
  memoryLimit: string;
  /** Where DuckDB spills what does not fit. */
  spillDir: string;
  /** Uncompressed bytes of the stage per slice (default {@link SLICE_BYTES}). */
  sliceBytes?: number;
}

export interface HourParquet {
  /** The files written, in time order. */
  files: { path: string; rows: number }[];
  rows: number;
}

/** A local gzip NDJSON file of the hour, and its size. */
export interface SourceFile {
  path: string;
  size: number;
}

/** Rows per row group: large enough for good compression, small enough that a time filter skips most of an hour. */
const ROW_GROUP_ROWS = 50_000;
/** A row group is written out at this size whatever its rows, so wide events do not pile up in memory. */
const ROW_GROUP_BYTES = '16MB';
/** The stage's row groups: small, so that each spans little time and a slice reads few besides its own. */
const STAGE_ROW_GROUP_ROWS = 2048;
/**
 * Uncompressed bytes of the stage's row groups in one slice: what DuckDB sorts at once. An hour
 * under it is one slice.
 */
const SLICE_BYTES = 8 * 1024 * 1024;
const ALLOCATOR_FLUSH = '16MB';
/**
 * The longest line read: DuckDB's read buffers are sized by it, and they count against the memory
 * limit. Four times the default largest event; an hour holding a longer line fails to compact (and
 * keeps being read from its NDJSON objects).
 */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const TIME = quoteIdentifier('time');

/** An hour's events whose `time` does not read as a time: its Parquet would lose them, so the hour is not compacted. */
class UnreadableTimeError extends Error {
  override name = 'UnreadableTimeError';
}

/** A time range of the hour in microseconds since the epoch; null: open. */
interface Slice {
  from: number | null;
  to: number | null;
}

/** A row group of the stage: its rows, uncompressed bytes and range of times (microseconds). */
interface StageRowGroup {
  rows: number;
  bytes: number;
  min: number;
}

export class HourParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly sliceBytes: number,
  ) {}

  static async open(options: ParquetWriterOptions): Promise<HourParquetWriter> {
    await fs.mkdir(options.spillDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit,
      temp_directory: options.spillDir,
      // One thread: two need more memory than the limit allows (docs/performance.md, the query tier).
      threads: '1',
      // Needed for ROW_GROUP_SIZE_BYTES; the ORDER BY still fixes the order written.
      preserve_insertion_order: 'false',
      // Hand freed memory back to the system soon: by default DuckDB's allocator keeps far more than the limit cached.
      allocator_flush_threshold: ALLOCATOR_FLUSH,
      allocator_bulk_deallocation_flush_threshold: ALLOCATOR_FLUSH,
    });
    return new HourParquetWriter(instance, await instance.connect(), options.sliceBytes ?? SLICE_BYTES);
  }

  /**
   * Writes the events of `sources` (local gzip NDJSON files of one hour) as Parquet files under
   * the directory `outDir`, one per time slice of the hour.
   */
  async write(sources: readonly SourceFile[], outDir: string): Promise<HourParquet> {
    await fs.mkdir(outDir, { recursive: true });
    const stage = path.join(outDir, 'stage.parquet');
    await this.writeStage(sources, stage);
    const files: HourParquet['files'] = [];
    try {
      await this.refuseUnreadableTimes(stage);
      for (const [index, slice] of (await this.slicesOf(stage)).entries()) {
        const file = path.join(outDir, `part-${index}.parquet`);
        const rows = await this.writeSlice(stage, slice, file);
        if (rows > 0) files.push({ path: file, rows });
      }
    } finally {
      await fs.rm(stage, { force: true });
    }
    return { files, rows: files.reduce((sum, file) => sum + file.rows, 0) };
  }

  /** Every event of the hour as typed rows, read once; snappy: the stage is read back soon, by this process only. */
  private async writeStage(sources: readonly SourceFile[], stage: string): Promise<void> {
    const ordered = (await inTimeOrder(sources)).map((source) => source.path);
    await this.connection.run(
      `COPY (SELECT ${typedSelectList(CANONICAL_COLUMNS)} FROM ${readSources(ordered)}) TO ${quoteLiteral(stage)}
       (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${STAGE_ROW_GROUP_ROWS})`,
    );
  }

  /** Refuses an hour with a time that does not read as one: every slice has bounds, so such a row would be in none. */
  private async refuseUnreadableTimes(stage: string): Promise<void> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*) AS unreadable FROM read_parquet(${quoteLiteral(stage)}) WHERE ${TIME} IS NULL`);
    const unreadable = Number(reader.getRowObjectsJson()[0]?.unreadable ?? 0);
    if (unreadable > 0) throw new UnreadableTimeError(`${unreadable} events have a time that does not read as ISO-8601`);
  }

  /**
   * The hour in slices, cut from the stage's row-group statistics: where the row groups, in order
   * of their earliest time, have added up to the slice's bytes. Copies of an event share its
   * time, so they fall in one slice.
   */
  private async slicesOf(stage: string): Promise<Slice[]> {
    const reader = await this.connection.runAndReadAll(
      `SELECT row_group_num_rows AS rows, row_group_bytes AS bytes, epoch_us(CAST(stats_min_value AS TIMESTAMP)) AS min
       FROM parquet_metadata(${quoteLiteral(stage)}) WHERE path_in_schema = 'time' ORDER BY min`,
    );
    const groups: StageRowGroup[] = reader.getRowObjectsJson().map((row) => ({ rows: Number(row.rows), bytes: Number(row.bytes), min: Number(row.min) }));
    const cuts: number[] = [];
    let bytes = 0;
    for (const group of groups) {
      if (bytes >= this.sliceBytes && group.min > (cuts.at(-1) ?? Number.NEGATIVE_INFINITY)) {
        cuts.push(group.min);
        bytes = 0;
      }
      bytes += group.bytes;
    }
    const bounds: (number | null)[] = [null, ...cuts, null];
    return bounds.slice(0, -1).map((from, position) => ({ from, to: bounds[position + 1] ?? null }));
  }

  /** One slice of the stage, one row per event, sorted by time; the window only when the slice holds a copy twice. */
  private async writeSlice(stage: string, slice: Slice, file: string): Promise<number> {
    const bounds = [slice.from === null ? null : `${TIME} >= make_timestamp(${slice.from})`, slice.to === null ? null : `${TIME} < make_timestamp(${slice.to})`].filter(
      (bound) => bound !== null,
    );
    const rows = `(SELECT * FROM read_parquet(${quoteLiteral(stage)})${bounds.length > 0 ? ` WHERE ${bounds.join(' AND ')}` : ''})`;
    const oneRowPerEvent = (await this.hasCopies(rows)) ? `(${oneRowPerEventSql(rows)})` : rows;
    const reader = await this.connection.runAndReadAll(
      `COPY (SELECT * FROM ${oneRowPerEvent} ORDER BY ${TIME}, event_id) TO ${quoteLiteral(file)}
       (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, ROW_GROUP_SIZE_BYTES ${quoteLiteral(ROW_GROUP_BYTES)})`,
    );
    return Number(reader.getRowObjectsJson()[0]?.Count ?? 0);
  }

  /** Whether some event has two rows in `rows`: reads one column, where the window would sort every row twice. */
  private async hasCopies(rows: string): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*) > count(DISTINCT event_id) AS copies FROM ${rows}`);
    return reader.getRowObjectsJson()[0]?.copies === true;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function readSources(sources: readonly string[]): string {
  return `read_json(${listLiteral(sources)}, format = 'newline_delimited', compression = 'gzip',
    columns = ${ndjsonColumnsArgument(CANONICAL_COLUMNS)}, maximum_object_size = ${MAX_LINE_BYTES})`;
}
