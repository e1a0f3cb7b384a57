import { createReadStream } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type ByteLine, LineSplitter } from '../../core/byte-lines.ts';
import { gunzipStreamIfGzip } from '../../core/compression.ts';
import { type DecodedBatch, emptyBatch, receivedOf } from '../../core/decoded-batch.ts';
import { sha256Bytes, shortHash } from '../../core/digest.ts';
import { messageOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import type { Limits } from '../../core/limits.ts';
import { ingestBatch, type PipelineOptions } from '../../pipeline/ingest-batch.ts';
import type { JsonCheckpointFile } from '../../runtime/checkpoint.ts';
import type { EventStore } from '../../store/event-store.ts';
import { AuditLogLines } from './audit-log.ts';
import type { TailCheckpoint } from './tail-checkpoint.ts';

export interface FollowOptions {
  /** The file the API server's log backend writes (`--audit-log-path`). */
  path: string;
  checkpoint: JsonCheckpointFile<TailCheckpoint> | null;
  clusterName: string | null;
  limits: Limits;
  store: EventStore;
  pipeline: PipelineOptions;
  /** Store what a batch holds at least this often. */
  flushMs: number;
  /** How often to look for new lines and rotation when there is nothing to read. */
  pollMs: number;
  /** Aborted: store what is held, save the checkpoint, return. */
  signal: AbortSignal;
  /** Backoff of store retries: doubling from the first delay up to the last. */
  retryDelaysMs: { first: number; most: number };
  /** Messages for the operator (retries, lost lines). */
  note: (message: string) => void;
}

/** Bytes read from a file at a time, and of lines one batch holds at most: what bounds memory. */
const READ_BYTES = 1024 * 1024;
const BATCH_BYTES = 8 * 1024 * 1024;
/** A file's identity beside its inode: the digest of its first bytes (at most this many). */
const FINGERPRINT_BYTES = 1024;
/** Store attempts once stopping: a store still failing then leaves the checkpoint where it was. */
const ATTEMPTS_WHEN_STOPPING = 3;

/** The file being read: the live one through an open handle, or a rotated one through a stream. */
interface Reading {
  dev: number;
  ino: number;
  fingerprint: string;
  fingerprintBytes: number;
  /** Byte offset of the splitter's first byte in the file. */
  base: number;
  splitter: LineSplitter;
  /** Bytes given to the splitter. */
  pushed: number;
  handle: FileHandle | null;
}

/**
 * Follows a log-backend file as the API server writes and rotates it: rotation by rename (the
 * old file is read to its end through the handle still open on it, compressed or not), by copy
 * and truncate (the lines written before the copy are read from the copy), a file that appears
 * later, and a restart (from the checkpoint, in the rotated file when the file has rotated
 * since). A batch is stored before more is read; the checkpoint is saved only once the lines it
 * covers are stored.
 */
export async function followAuditLog(options: FollowOptions): Promise<IngestSummary> {
  const follower = new LogFollower(options);
  return follower.run();
}

class LogFollower {
  private readonly summary = emptySummary();
  private reading: Reading | null = null;
  private lines: AuditLogLines;
  private batch: DecodedBatch = emptyBatch('');
  private batchBytes = 0;
  private batchStart = 0;
  private batchStarted = Date.now();
  private savedOffset = -1;
  /** Just past the last line added to the batch: its byte offset, and the next line's number. */
  private lineEnd = 0;
  private nextLine = 1;

  constructor(private readonly options: FollowOptions) {
    this.lines = this.linesFrom(0);
  }

  async run(): Promise<IngestSummary> {
    await this.resume();
    while (!this.options.signal.aborted) {
      const read = this.reading?.handle ? await this.readLive() : 0;
      if (Date.now() - this.batchStarted >= this.options.flushMs) await this.flush();
      if (read === 0 && !(await this.followRotation())) await sleep(this.options.pollMs, this.options.signal);
    }
    await this.flush();
    await this.reading?.handle?.close();
    return this.summary;
  }

  /** Where the checkpoint says, in the live file or in the rotated file that holds it now; else the start of the live file. */
  private async resume(): Promise<void> {
    const saved = await this.options.checkpoint?.read();
    const live = await statOrNull(this.options.path);
    if (!saved) {
      if (live) await this.openLive(0, 1, 0);
      return;
    }
    if (saved.path !== this.options.path) throw new Error(`${this.options.checkpoint?.path}: the checkpoint is of ${saved.path}, not of ${this.options.path}`);
    this.savedOffset = saved.offset;
    if (live && live.dev === saved.dev && live.ino === saved.ino) {
      await this.openLive(saved.offset, saved.line, saved.recordIndex);
      if (live.size >= saved.offset && (await this.sameStart(saved))) return;
      // Truncated (copy and truncate) while kaudit was not running: the rest is in the copy.
      const handle = (this.reading as Reading).handle as FileHandle;
      await this.recoverFromRotated(saved, saved.line, saved.recordIndex);
      await this.restartLive(handle);
      return;
    }
    await this.recoverFromRotated(saved, saved.line, saved.recordIndex);
    if (live) await this.openLive(0, 1, 0);
  }

  /** Reads one chunk of the live file past what was read; 0 at its end. */
  private async readLive(): Promise<number> {
    const reading = this.reading as Reading;
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    const { bytesRead } = await (reading.handle as FileHandle).read(buffer, 0, READ_BYTES, reading.base + reading.pushed);
    if (bytesRead > 0) await this.push(buffer.subarray(0, bytesRead));
    return bytesRead;
  }

  /** After the end of the live file: whether it was rotated (and is now followed anew), or appeared. */
  private async followRotation(): Promise<boolean> {
    const live = await statOrNull(this.options.path);
    if (live === null) return false;
    const reading = this.reading;
    if (reading?.handle == null) {
      await this.openLive(0, 1, 0);
      return true;
    }
    if (live.dev !== reading.dev || live.ino !== reading.ino) {
      // Renamed away: the writer may have added lines before it let go of the file.
      while ((await this.readLive()) > 0);
      for (const line of reading.splitter.end()) await this.add(line);
      await this.flush();
      await reading.handle.close();
      await this.openLive(0, 1, 0);
      return true;
    }
    if (live.size < reading.base + reading.pushed || !(await this.sameStart(reading))) {
      await this.flush();
      const position = { ...reading, offset: this.offset() };
      await this.recoverFromRotated(position, this.nextLine, this.lines.nextRecordIndex);
      await this.restartLive(reading.handle);
      return true;
    }
    return false;
  }

  /** The live file from its start again (it was truncated), on the handle already open. */
  private async restartLive(handle: FileHandle): Promise<void> {
    const { dev, ino } = await handle.stat();
    this.reading = { dev, ino, fingerprint: '', fingerprintBytes: 0, base: 0, splitter: this.splitterFrom(1), pushed: 0, handle };
    this.startFile(0, 0, 1);
    await this.refreshFingerprint();
  }

  private async openLive(offset: number, line: number, recordIndex: number): Promise<void> {
    const handle = await open(this.options.path);
    const { dev, ino } = await handle.stat();
    this.reading = { dev, ino, fingerprint: '', fingerprintBytes: 0, base: offset, splitter: this.splitterFrom(line), pushed: 0, handle };
    this.startFile(recordIndex, offset, line);
    await this.refreshFingerprint();
  }

  /**
   * Reads a rotated file from `position.offset` to its end: the file in the log's directory,
   * plain or gzip, whose first bytes are the ones `position` was taken from. When none is
   * there, the lines in between are lost, and the operator is told.
   */
  private async recoverFromRotated(
    position: Pick<TailCheckpoint, 'dev' | 'ino' | 'fingerprint' | 'fingerprintBytes' | 'offset'>,
    line: number,
    recordIndex: number,
  ): Promise<void> {
    const found = await findRotated(this.options.path, position.fingerprint, position.fingerprintBytes);
    if (found === null) {
      this.options.note(
        `${this.options.path}: rotated while not read to its end, and no rotated file in its directory starts as it did: lines after byte ${position.offset} of it are not stored`,
      );
      return;
    }
    this.reading = { ...position, base: position.offset, splitter: this.splitterFrom(line), pushed: 0, handle: null };
    this.startFile(recordIndex, position.offset, line);
    let skip = position.offset;
    for await (const chunk of gunzipStreamIfGzip(createReadStream(found, { highWaterMark: READ_BYTES }))) {
      const rest = skip >= chunk.length ? null : chunk.subarray(skip);
      skip = Math.max(0, skip - chunk.length);
      if (rest) await this.push(rest);
    }
    for (const last of this.reading.splitter.end()) await this.add(last);
    await this.flush();
  }

  private async push(chunk: Buffer): Promise<void> {
    const reading = this.reading as Reading;
    reading.pushed += chunk.length;
    for (const line of reading.splitter.push(chunk)) await this.add(line);
  }

  private async add(line: ByteLine): Promise<void> {
    this.lineEnd = (this.reading as Reading).base + line.end;
    this.nextLine = line.number + 1;
    this.lines.add(this.batch, line.text, line.number, line.cut ? this.options.limits.maxEventBytes : undefined);
    this.batchBytes += line.bytes;
    if (this.batchBytes >= BATCH_BYTES || receivedOf(this.batch) >= this.options.limits.maxRecordsPerBatch) await this.flush();
  }

  /** Stores the batch being filled (retrying while the store fails), then saves the checkpoint. */
  private async flush(): Promise<void> {
    this.batchStarted = Date.now();
    const reading = this.reading;
    if (reading === null) return;
    const offset = this.offset();
    if (receivedOf(this.batch) > 0) {
      const batch = { ...this.batch, batchKey: `tail-${shortHash(reading.fingerprint, this.batchStart, offset)}` };
      addSummary(this.summary, await this.store(batch));
    }
    this.lines = this.linesFrom(this.lines.nextRecordIndex);
    this.batch = emptyBatch('');
    this.batchBytes = 0;
    this.batchStart = offset;
    if (offset === this.savedOffset || this.options.checkpoint === null) return;
    await this.refreshFingerprint();
    await this.options.checkpoint.write({
      kind: 'kaudit-tail/1',
      path: this.options.path,
      dev: reading.dev,
      ino: reading.ino,
      fingerprint: reading.fingerprint,
      fingerprintBytes: reading.fingerprintBytes,
      offset,
      line: this.nextLine,
      recordIndex: this.lines.nextRecordIndex,
      updatedAt: new Date().toISOString(),
    });
    this.savedOffset = offset;
  }

  private async store(batch: DecodedBatch): Promise<IngestSummary> {
    const { first, most } = this.options.retryDelaysMs;
    for (let attempt = 1, stopping = 0; ; attempt++) {
      try {
        return await ingestBatch(batch, this.options.store, this.options.pipeline);
      } catch (error) {
        if (this.options.signal.aborted && ++stopping >= ATTEMPTS_WHEN_STOPPING) throw error;
        const delay = Math.min(most, first * 2 ** (attempt - 1));
        this.options.note(`the store failed (attempt ${attempt}): ${messageOf(error)}; trying again in ${delay} ms`);
        await sleep(this.options.signal.aborted ? first : delay, this.options.signal.aborted ? undefined : this.options.signal);
      }
    }
  }

  /** The byte offset just past the last line added to the batch. */
  private offset(): number {
    return this.lineEnd;
  }

  /** The live file's fingerprint grows with it up to its full length. */
  private async refreshFingerprint(): Promise<void> {
    const reading = this.reading;
    if (reading?.handle == null || reading.fingerprintBytes >= FINGERPRINT_BYTES) return;
    const head = await readHead(reading.handle, FINGERPRINT_BYTES);
    if (head.length > reading.fingerprintBytes) {
      reading.fingerprint = fingerprintOf(head);
      reading.fingerprintBytes = head.length;
    }
  }

  /** Whether the open file still starts with the bytes its fingerprint was taken from (not truncated and written again). */
  private async sameStart(position: Pick<TailCheckpoint, 'fingerprint' | 'fingerprintBytes'>): Promise<boolean> {
    const handle = this.reading?.handle;
    if (handle == null || position.fingerprintBytes === 0) return true;
    const head = await readHead(handle, position.fingerprintBytes);
    return head.length === position.fingerprintBytes && fingerprintOf(head) === position.fingerprint;
  }

  /** A file read from `offset` on, its first line numbered `line`, its first record getting `recordIndex`. */
  private startFile(recordIndex: number, offset: number, line: number): void {
    this.lineEnd = offset;
    this.nextLine = line;
    this.batchStart = offset;
    this.lines = this.linesFrom(recordIndex);
    this.batch = emptyBatch('');
    this.batchBytes = 0;
  }

  private splitterFrom(line: number): LineSplitter {
    return new LineSplitter(Math.max(this.options.limits.maxEventBytes, 1), line);
  }

  private linesFrom(recordIndex: number): AuditLogLines {
    const context = {
      clusterName: this.options.clusterName,
      clusterId: this.options.clusterName,
      sourceStream: this.options.path,
      ingestTime: new Date().toISOString(),
      limits: this.options.limits,
    };
    return new AuditLogLines(context, recordIndex);
  }
}

/** A rotated file of `file` (in its directory, named after it: `audit.log.1`, `audit-2026-…log.gz`) that starts with the fingerprinted bytes. */
async function findRotated(file: string, fingerprint: string, fingerprintBytes: number): Promise<string | null> {
  const directory = path.dirname(file);
  const stem = path.basename(file).split('.')[0] as string;
  const names = (await readdir(directory)).filter((name) => name !== path.basename(file) && name.startsWith(stem) && !name.endsWith('.tmp')).sort();
  for (const name of names) {
    const candidate = path.join(directory, name);
    const head = await streamHead(candidate, fingerprintBytes).catch(() => null);
    if (head !== null && head.length === fingerprintBytes && fingerprintOf(head) === fingerprint) return candidate;
  }
  return null;
}

/** The first `bytes` bytes of a file, inflated when it is gzip. */
async function streamHead(file: string, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let held = 0;
  for await (const chunk of gunzipStreamIfGzip(createReadStream(file, { highWaterMark: 64 * 1024 }))) {
    parts.push(chunk);
    held += chunk.length;
    if (held >= bytes) break;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

async function readHead(handle: FileHandle, bytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(bytes);
  const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
  return buffer.subarray(0, bytesRead);
}

async function statOrNull(file: string): Promise<{ dev: number; ino: number; size: number } | null> {
  try {
    return await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Waits `ms`, or less when `signal` is aborted. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

function fingerprintOf(head: Buffer): string {
  return sha256Bytes(head).toString('hex');
}
