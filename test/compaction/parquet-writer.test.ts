import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HourParquetWriter, type SourceFile } from '../../shared/compaction/parquet-writer.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { listLiteral } from '../../shared/schema/duckdb-columns.ts';
import { auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';

const HOUR = '2026-11-20T09';

/** `count` events of one request each, a second apart from `firstSecond` into the hour. */
function eventsFrom(prefix: string, firstSecond: number, count: number, ingestTime = '2026-11-20T10:01:00.000Z'): CanonicalEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const second = firstSecond + index;
    const time = `${HOUR}:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}.000001Z`;
    return canonicalOf(sourceRecord(auditEvent({ auditID: `${prefix}-${index}`, stageTimestamp: time, requestReceivedTimestamp: time }), { ingest_time: ingestTime }));
  });
}

describe('the hour Parquet writer', () => {
  let work: string;
  /** Slices merged into files as compaction writes them. */
  let writer: HourParquetWriter;
  /** Each slice its own file, to see the slices. */
  let sliceWriter: HourParquetWriter;
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'kaudit-parquet-writer-'));
    // One byte per slice: a slice starts at each object's earliest time.
    writer = await HourParquetWriter.open({ memoryLimit: '128MB', spillDir: path.join(work, 'spill'), sliceSourceBytes: 1 });
    sliceWriter = await HourParquetWriter.open({ memoryLimit: '128MB', spillDir: path.join(work, 'spill'), sliceSourceBytes: 1, mergedFileBytes: 1 });
  });
  afterEach(async () => {
    writer.close();
    sliceWriter.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A gzip NDJSON object of the hour, as the lake holds them, from events or raw lines. */
  async function object(name: string, lines: readonly (CanonicalEvent | string)[]): Promise<SourceFile> {
    const file = path.join(work, `${name}.ndjson.gz`);
    const body = gzipSync(
      lines
        .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
        .join('\n')
        .concat('\n'),
    );
    await writeFile(file, body);
    return { path: file, size: body.length };
  }

  async function rowsOf(files: readonly { path: string }[], columns: string): Promise<Record<string, unknown>[]> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(`SELECT ${columns} FROM read_parquet(${listLiteral(files.map((file) => file.path))})`)).getRowObjectsJson();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  /** Objects stored in an order that is not their time order, one of them overlapping the others: 1,501 events. */
  const unorderedObjects = async () => [
    await object('a-late', eventsFrom('late', 2400, 500)),
    await object('b-early', eventsFrom('early', 0, 500)),
    await object('c-overlapping', [...eventsFrom('over-late', 3550, 1), ...eventsFrom('over', 200, 500)]),
  ];

  it('writes a large hour in time slices that hold every event once, in time order across the files', async () => {
    // Act
    const written = await sliceWriter.write(await unorderedObjects(), path.join(work, 'out'));

    // Assess
    expect(written.files.length).toBeGreaterThan(1);
    expect(written.rows).toBe(1501);
    const times = (await rowsOf(written.files, 'time, event_id')).map((row) => `${row.time} ${row.event_id}`);
    expect(times).toHaveLength(1501);
    expect(new Set(times).size).toBe(1501);
    expect(times).toEqual([...times].sort());
  });

  it('merges the slices of an hour into one file, every event once and in time order', async () => {
    // Act
    const written = await writer.write(await unorderedObjects(), path.join(work, 'out'));

    // Assess
    expect(written.files).toHaveLength(1);
    expect(written.files[0]?.rows).toBe(1501);
    const times = (await rowsOf(written.files, 'time, event_id')).map((row) => `${row.time} ${row.event_id}`);
    expect(new Set(times).size).toBe(1501);
    expect(times).toEqual([...times].sort());
  });

  it('keeps the copy the dedupe rule keeps when the hour holds an event twice', async () => {
    // Prepare: the same events stored twice, the copy stored later received earlier
    const stored = await object('first-stored', eventsFrom('twice', 0, 3, '2026-11-20T10:05:00.000Z'));
    const receivedEarlier = await object('stored-later', eventsFrom('twice', 0, 3, '2026-11-20T10:01:00.000Z'));
    const once = await object('once', eventsFrom('once', 100, 2));

    // Act
    const written = await writer.write([stored, receivedEarlier, once], path.join(work, 'out'));

    // Assess
    const rows = await rowsOf(written.files, 'audit_id, ingest_time::VARCHAR AS ingest_time');
    expect(rows).toEqual([
      { audit_id: 'twice-0', ingest_time: '2026-11-20 10:01:00' },
      { audit_id: 'twice-1', ingest_time: '2026-11-20 10:01:00' },
      { audit_id: 'twice-2', ingest_time: '2026-11-20 10:01:00' },
      { audit_id: 'once-0', ingest_time: '2026-11-20 10:01:00' },
      { audit_id: 'once-1', ingest_time: '2026-11-20 10:01:00' },
    ]);
  });

  it('refuses an hour holding an event whose time does not read as a time', async () => {
    // Prepare
    const [event] = eventsFrom('bad', 0, 1);
    const good = await object('good', eventsFrom('good', 10, 3));
    const bad = await object('bad', [{ ...(event as CanonicalEvent), time: 'yesterday at noon' }]);

    // Act
    const outcome = await writer.write([good, bad], path.join(work, 'out')).catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toBe('1 events have a time that does not read as ISO-8601');
  });
});
