/**
 * One hour's gzip NDJSON objects into Parquet files with DuckDB: one row per event (the dedupe rule),
 * sorted by time, typed columns from the zod schema, zstd, row groups with column statistics.
 * DuckDB spills to `spillDir` beyond `memoryLimit`, so memory stays bounded whatever the hour holds.
 * Each slice of the hour is read into a table first, so that the dedupe window, which sorts every
 * row once more, runs only for a slice that holds some event twice.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { messageOf } from '../core/errors.ts';
import { oneRowPerEventSql } from '../dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS, type Column } from '../schema/columns.ts';
import { listLiteral, ndjsonColumnsArgument, quoteIdentifier, quoteLiteral, typedSelectList } from '../schema/duckdb-columns.ts';

export interface ParquetWriterOptions {
  /** DuckDB's memory limit, e.g. `128MB`. */
  memoryLimit: string;
  /** Where DuckDB spills what does not fit. */
  spillDir: string;
  /** Compressed bytes of the objects read for one slice (default {@link SLICE_SOURCE_BYTES}). */
  sliceSourceBytes?: number;
  /** Parquet bytes up to which consecutive slices are written as one file (default {@link MERGED_FILE_BYTES}). */
  mergedFileBytes?: number;
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
/**
 * Compressed bytes of the objects read for one slice of the hour: what DuckDB sorts in memory at
 * once is about ten times that. An hour under it is one slice, read once.
 */
const SLICE_SOURCE_BYTES = 2 * 1024 * 1024;
/**
 * Parquet bytes up to which consecutive slices of an hour are merged into one file: a query pays
 * for every file it opens, and an hour of a few thousand events is otherwise two or three small
 * files. Small, because the merge sorts the group again within DuckDB's memory limit.
 */
const MERGED_FILE_BYTES = 2 * 1024 * 1024;
/**
 * The longest line read: DuckDB's read buffers are sized by it, and they count against the memory
 * limit. Four times the default largest event; an hour holding a longer line fails to compact (and
 * keeps being read from its NDJSON objects).
 */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const TIME = quoteIdentifier('time');
const PARQUET_OPTIONS = `FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, ROW_GROUP_SIZE_BYTES ${quoteLiteral(ROW_GROUP_BYTES)}`;
/** Where a slice's rows are held while it is checked for copies and written. */
const SLICE_TABLE = 'kaudit_slice';
/** DuckDB's allocator hands freed memory back to the system past this, instead of caching it. */
const ALLOCATOR_FLUSH = '16MB';

/** An hour's events whose `time` does not read as a time: its Parquet would lose them, so the hour is not compacted. */
class UnreadableTimeError extends Error {
  override name = 'UnreadableTimeError';
}

interface Slice {
  /** Microseconds since the epoch; null: open. */
  from: number | null;
  to: number | null;
  sources: string[];
}

export class HourParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly sliceSourceBytes: number,
    private readonly mergedFileBytes: number,
  ) {}

  static async open(options: ParquetWriterOptions): Promise<HourParquetWriter> {
    await fs.mkdir(options.spillDir, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit,
      temp_directory: options.spillDir,
      // One thread: DuckDB's memory grows with threads, and the machine has other work.
      threads: '1',
      // Needed for ROW_GROUP_SIZE_BYTES; the ORDER BY still fixes the order written.
      preserve_insertion_order: 'false',
      // By default the allocator keeps far more than the limit cached, which the process's memory shows.
      allocator_flush_threshold: ALLOCATOR_FLUSH,
      allocator_bulk_deallocation_flush_threshold: ALLOCATOR_FLUSH,
    });
    return new HourParquetWriter(instance, await instance.connect(), options.sliceSourceBytes ?? SLICE_SOURCE_BYTES, options.mergedFileBytes ?? MERGED_FILE_BYTES);
  }

  /**
   * Writes the events of `sources` (local gzip NDJSON files of one hour) as Parquet files under
   * the directory `outDir`: a large hour is cut in time slices, each reading only the objects whose
   * times overlap it, so memory does not grow with the hour; consecutive slices are then merged
   * into files of up to {@link MERGED_FILE_BYTES}.
   */
  async write(sources: readonly SourceFile[], outDir: string): Promise<HourParquet> {
    await fs.mkdir(outDir, { recursive: true });
    const slices: HourParquet['files'] = [];
    for (const [index, slice] of (await this.slicesOf(sources)).entries()) {
      const file = path.join(outDir, `slice-${index}.parquet`);
      const rows = await this.writeSlice(slice, file);
      if (rows > 0) slices.push({ path: file, rows });
    }
    const files: HourParquet['files'] = [];
    for (const [index, group] of (await this.mergeGroupsOf(slices)).entries()) files.push(...(await this.merged(group, path.join(outDir, `merged-${index}.parquet`))));
    return { files, rows: files.reduce((sum, file) => sum + file.rows, 0) };
  }

  /** Consecutive slices, in groups whose files add up to at most the merged file's bytes (a larger slice alone). */
  private async mergeGroupsOf(slices: HourParquet['files']): Promise<HourParquet['files'][]> {
    const groups: HourParquet['files'][] = [];
    let bytes = 0;
    for (const slice of slices) {
      const size = (await fs.stat(slice.path)).size;
      const last = groups.at(-1);
      if (last && bytes + size <= this.mergedFileBytes) {
        last.push(slice);
        bytes += size;
      } else {
        groups.push([slice]);
        bytes = size;
      }
    }
    return groups;
  }

  /**
   * The group's slices as one file: each slice is sorted and their times do not overlap, so the
   * result is too. The merge only saves readers work: should DuckDB run out of memory for it
   * (unusually compressible events), the slices are kept as they are; any other failure fails the hour.
   */
  private async merged(group: HourParquet['files'], file: string): Promise<HourParquet['files']> {
    if (group.length < 2) return group;
    try {
      // Sorted again: without insertion order kept (needed for the row groups' byte bound), DuckDB may reorder the scan.
      await this.connection.run(
        `COPY (SELECT * FROM read_parquet(${listLiteral(group.map((slice) => slice.path))}) ORDER BY ${TIME}, event_id) TO ${quoteLiteral(file)}
         (${PARQUET_OPTIONS})`,
      );
    } catch (error) {
      await fs.rm(file, { force: true });
      if (!/Out of Memory Error/.test(messageOf(error))) throw error;
      return group;
    }
    for (const slice of group) await fs.rm(slice.path);
    return [{ path: file, rows: group.reduce((sum, slice) => sum + slice.rows, 0) }];
  }

  private async writeSlice(slice: Slice, file: string): Promise<number> {
    // A first cut at the earliest time (a large object sharing it with another) leaves the slice before it empty.
    if (slice.sources.length === 0) return 0;
    const bounds = [slice.from === null ? null : `${TIME} >= make_timestamp(${slice.from})`, slice.to === null ? null : `${TIME} < make_timestamp(${slice.to})`].filter(
      (bound) => bound !== null,
    );
    const typed = `(SELECT ${typedSelectList(CANONICAL_COLUMNS)} FROM ${readSources(slice.sources, CANONICAL_COLUMNS)})`;
    const inSlice = bounds.length > 0 ? `(SELECT * FROM ${typed} WHERE ${bounds.join(' AND ')})` : typed;
    await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${SLICE_TABLE} AS ${inSlice}`);
    try {
      const counts = await this.countsOfSlice();
      // A slice leaves out rows without a time (the index refused them); one open slice keeps them, so count them.
      if (counts.unreadable > 0) throw new UnreadableTimeError(`${counts.unreadable} events have a time that does not read as ISO-8601`);
      const rows = counts.copies ? `(${oneRowPerEventSql(SLICE_TABLE)})` : SLICE_TABLE;
      const reader = await this.connection.runAndReadAll(
        `COPY (SELECT * FROM ${rows} ORDER BY ${TIME}, event_id) TO ${quoteLiteral(file)}
         (${PARQUET_OPTIONS})`,
      );
      return Number(reader.getRowObjectsJson()[0]?.Count ?? 0);
    } finally {
      await this.connection.run(`DROP TABLE ${SLICE_TABLE}`);
    }
  }

  /** Of the slice's rows: whether some event has two (read from one column), and how many have no time. */
  private async countsOfSlice(): Promise<{ copies: boolean; unreadable: number }> {
    const reader = await this.connection.runAndReadAll(
      `SELECT count(*) > count(DISTINCT event_id) AS copies, count(*) FILTER (WHERE ${TIME} IS NULL) AS unreadable FROM ${SLICE_TABLE}`,
    );
    const row = reader.getRowObjectsJson()[0];
    return { copies: row?.copies === true, unreadable: Number(row?.unreadable ?? 0) };
  }

  /**
   * The hour in slices. A small hour is one slice. A large one is indexed first (each object's
   * earliest and latest time, read as times only), then cut where the objects, in order of their
   * earliest time, have added up to the slice's bytes.
   */
  private async slicesOf(sources: readonly SourceFile[]): Promise<Slice[]> {
    const total = sources.reduce((sum, source) => sum + source.size, 0);
    if (total <= this.sliceSourceBytes) return [{ from: null, to: null, sources: sources.map((source) => source.path) }];
    const index = await this.indexOf(sources);
    const sizes = new Map(sources.map((source) => [source.path, source.size]));
    const byStart = [...index].sort((a, b) => a.min - b.min);
    const cuts: number[] = [];
    let bytes = 0;
    for (const object of byStart) {
      if (bytes >= this.sliceSourceBytes && object.min > (cuts.at(-1) ?? Number.NEGATIVE_INFINITY)) {
        cuts.push(object.min);
        bytes = 0;
      }
      bytes += sizes.get(object.path) ?? 0;
    }
    const bounds: (number | null)[] = [null, ...cuts, null];
    return bounds.slice(0, -1).map((from, position) => {
      const to = bounds[position + 1] ?? null;
      const overlapping = index.filter((object) => (from === null || object.max >= from) && (to === null || object.min < to));
      return { from, to, sources: overlapping.map((object) => object.path) };
    });
  }

  /** Each object's earliest and latest time, in microseconds; refuses an hour with a time that does not read as one. */
  private async indexOf(sources: readonly SourceFile[]): Promise<{ path: string; min: number; max: number }[]> {
    const timeOnly = CANONICAL_COLUMNS.filter((column) => column.name === 'time');
    const reader = await this.connection.runAndReadAll(
      `SELECT filename, epoch_us(min(t)) AS min, epoch_us(max(t)) AS max, count(*) FILTER (WHERE t IS NULL) AS unreadable
       FROM (SELECT filename, TRY_CAST(${TIME} AS TIMESTAMP) AS t FROM ${readSources(
         sources.map((source) => source.path),
         timeOnly,
         true,
       )}) GROUP BY filename`,
    );
    const rows = reader.getRowObjectsJson();
    const unreadable = rows.reduce((sum, row) => sum + Number(row.unreadable), 0);
    if (unreadable > 0) throw new UnreadableTimeError(`${unreadable} events have a time that does not read as ISO-8601`);
    return rows.map((row) => ({ path: String(row.filename), min: Number(row.min), max: Number(row.max) }));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function readSources(sources: readonly string[], columns: readonly Column[], withFilename = false): string {
  return `read_json(${listLiteral(sources)}, format = 'newline_delimited', compression = 'gzip',
    columns = ${ndjsonColumnsArgument(columns)}, maximum_object_size = ${MAX_LINE_BYTES}${withFilename ? ', filename = true' : ''})`;
}
