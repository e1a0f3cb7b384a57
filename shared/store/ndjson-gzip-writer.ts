import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/**
 * Bytes handed to zlib at a time. Large enough that the per-chunk round trip to zlib's thread is
 * noise; small enough that a batch's serialized text never sits in memory whole.
 */
const CHUNK_BYTES = 256 * 1024;
/** zlib's output buffer: one buffer holds what a chunk compresses to, so a chunk is one zlib job. */
const OUTPUT_CHUNK_BYTES = 128 * 1024;
/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;
const NEWLINE = 0x0a;

/**
 * One gzip NDJSON object, compressed while its rows are still being added. The bytes are those of
 * gzipSync over the whole text (same level, no flushes in between), but the text is never held
 * whole: a batch keeps only its compressed output, about a tenth of its rows' JSON. zlib works on
 * the thread pool, so where a spare core exists compression overlaps serialization.
 *
 * Each row is encoded to UTF-8 straight into the chunk being filled: appending rows to a string
 * and encoding it per chunk cost 15 times as much, most of it flattening the concatenated string.
 */
export class NdjsonGzipWriter {
  rows = 0;
  /** The chunk being filled, and how many of its bytes are rows. */
  private chunk: Buffer | null = null;
  private used = 0;
  /** Chunks filled and waiting for zlib, in order. */
  private sealed: Buffer[] = [];
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
    const maxBytes = json.length * MAX_UTF8_BYTES_PER_UNIT + 1;
    if (this.chunk !== null && maxBytes > this.chunk.length - this.used) this.seal();
    if (maxBytes > CHUNK_BYTES) {
      // A row larger than a chunk is a chunk of its own.
      this.sealed.push(Buffer.from(`${json}\n`));
    } else {
      this.chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
      this.used += this.chunk.write(json, this.used);
      this.chunk[this.used++] = NEWLINE;
    }
    this.rows++;
  }

  /** Whether a filled chunk waits to be handed to zlib ({@link flush}). */
  get full(): boolean {
    return this.sealed.length > 0;
  }

  /** Hands the filled chunks to zlib, each once zlib has taken the one before. */
  async flush(): Promise<void> {
    for (const chunk of this.sealed.splice(0)) {
      await this.inFlight;
      const written = new Promise<void>((resolve, reject) => this.gzip.write(chunk, (error) => (error ? reject(error) : resolve())));
      // Awaited by the next flush() or finish(); until then a failure must not count as unhandled.
      written.catch(() => undefined);
      this.inFlight = written;
    }
  }

  /** The whole gzip object. */
  async finish(): Promise<Buffer> {
    this.seal();
    await this.flush();
    await this.inFlight;
    this.gzip.end();
    await finished(this.gzip);
    return Buffer.concat(this.output);
  }

  /** Releases zlib's memory when the object will not be finished. */
  abort(): void {
    this.gzip.destroy();
  }

  /** Queues the chunk being filled for zlib; the next row starts a new one. */
  private seal(): void {
    if (this.chunk !== null && this.used > 0) this.sealed.push(this.chunk.subarray(0, this.used));
    this.chunk = null;
    this.used = 0;
  }
}
