import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/**
 * Text handed to zlib at a time. Large enough that the per-chunk round trip to zlib's thread is
 * noise; small enough that a batch's serialized text never sits in memory whole.
 */
const CHUNK_CHARS = 256 * 1024;
/** zlib's output buffer: one buffer holds what a chunk compresses to, so a chunk is one zlib job. */
const OUTPUT_CHUNK_BYTES = 128 * 1024;

/**
 * One gzip NDJSON object, compressed while its rows are still being added. The bytes are those of
 * gzipSync over the whole text (same level, no flushes in between), but the text is never held
 * whole: a batch keeps only its compressed output, about a tenth of its rows' JSON. zlib works on
 * the thread pool, so where a spare core exists compression overlaps serialization.
 */
export class NdjsonGzipWriter {
  rows = 0;
  private pending = '';
  private readonly gzip: Gzip = createGzip({ chunkSize: OUTPUT_CHUNK_BYTES });
  private readonly output: Buffer[] = [];
  /** The chunk zlib is working on; at most one waits, which bounds the memory a batch holds. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor() {
    this.gzip.on('data', (chunk: Buffer) => this.output.push(chunk));
    // Whatever fails is reported by flush() or finish(); an 'error' event without a listener would crash the process.
    this.gzip.on('error', () => undefined);
  }

  /** Appends one row's JSON as a line. */
  add(json: string): void {
    this.pending += `${json}\n`;
    this.rows++;
  }

  /** Whether enough text is pending to hand it to zlib ({@link flush}). */
  get full(): boolean {
    return this.pending.length >= CHUNK_CHARS;
  }

  /** Hands the pending text to zlib, once zlib has taken the previous chunk. */
  async flush(): Promise<void> {
    await this.inFlight;
    const chunk = this.pending;
    this.pending = '';
    const written = new Promise<void>((resolve, reject) => this.gzip.write(chunk, (error) => (error ? reject(error) : resolve())));
    // Awaited by the next flush() or finish(); until then a failure must not count as unhandled.
    written.catch(() => undefined);
    this.inFlight = written;
  }

  /** The whole gzip object. */
  async finish(): Promise<Buffer> {
    await this.inFlight;
    this.gzip.end(this.pending);
    this.pending = '';
    await finished(this.gzip);
    return Buffer.concat(this.output);
  }

  /** Releases zlib's memory when the object will not be finished. */
  abort(): void {
    this.gzip.destroy();
  }
}
