import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, gunzipSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { messageOf } from './errors.ts';

/**
 * Decompresses gzip or zlib (CloudWatch Logs sends gzip; some relays re-encode as zlib), refusing
 * to inflate past `maxBytes` so a small bomb can't take the function's memory.
 */
export function decompress(data: Buffer, maxBytes: number): Buffer {
  return inflateAs(compressionOf(data), data, { maxOutputLength: maxBytes });
}

/** The bytes gzip data inflates to (at most `maxBytes`); any other data as it is. */
export function gunzipIfGzip(data: Buffer, maxBytes: number): Buffer {
  return compressionOf(data) === 'gzip' ? gunzipSync(data, { maxOutputLength: maxBytes }) : data;
}

/**
 * What compressed data inflates to up to the point where it is cut or corrupt, or where the
 * output would pass `maxBytes`. A quarantine record keeps this text (scrubbed, as every raw text
 * is) rather than the compressed bytes, from which the same secrets could be inflated.
 */
export function inflatePartially(data: Buffer, maxBytes: number): Buffer {
  const compression = compressionOf(data);
  // Z_SYNC_FLUSH: input that ends early yields what it holds instead of an error.
  const options = { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH };
  const attempt = (length: number): Buffer | null => {
    try {
      return inflateAs(compression, data.subarray(0, length), options);
    } catch {
      return null;
    }
  };
  const whole = attempt(data.length);
  if (whole !== null) return whole;
  // Corrupt at some point, or too large past some point: a prefix inflates if and only if it ends
  // before that point, so the longest one is found by bisection.
  let good = 0;
  let bad = data.length;
  while (bad - good > 1) {
    const middle = good + Math.floor((bad - good) / 2);
    if (attempt(middle) === null) bad = middle;
    else good = middle;
  }
  return attempt(good) ?? Buffer.alloc(0);
}

function inflateAs(compression: 'gzip' | 'zlib' | null, data: Buffer, options: ZlibOptions): Buffer {
  switch (compression) {
    case 'gzip':
      return gunzipSync(data, options);
    case 'zlib':
      return inflateSync(data, options);
    case null:
      throw new Error('not gzip or zlib data (unknown header)');
  }
}

/** The compression a buffer's header announces, or null for anything else (plain text, say). */
export function compressionOf(data: Buffer): 'gzip' | 'zlib' | null {
  if (data[0] === 0x1f && data[1] === 0x8b) return 'gzip';
  if (data.length >= 2 && data[0] === 0x78 && ((0x78 << 8) | (data[1] as number)) % 31 === 0) return 'zlib';
  return null;
}

/** Whether a decompression failed on the output limit (a bomb, or a limit set too low) rather than on bad data. */
export function isDecompressLimitError(error: unknown): boolean {
  return error instanceof RangeError || (error as { code?: string } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/** The message of a decompression error, naming the limit when that is what was hit. */
export function describeDecompressError(error: unknown, maxBytes: number): string {
  if (isDecompressLimitError(error)) return `decompressed size exceeds the limit of ${maxBytes} bytes`;
  return messageOf(error);
}

/** gzip data that stopped inflating partway: cut short or corrupt. */
export class GzipDataError extends Error {
  override name = 'GzipDataError';
}

/**
 * The chunks of a stream, inflated as they arrive when its first bytes announce gzip (several
 * gzip members one after another included, as `cat a.gz b.gz` makes); any other data as it is.
 * Data that announces gzip and then fails to inflate throws a {@link GzipDataError}; an error of
 * the stream itself (a read error) propagates as it is.
 */
export async function* gunzipStreamIfGzip(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer, void, undefined> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  async function* whole(): AsyncGenerator<Buffer, void, undefined> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (compressionOf(head) !== 'gzip') {
    yield* whole();
    return;
  }
  const gunzip = createGunzip();
  const feeding = pipeline(Readable.from(whole()), gunzip);
  // Its error is the one the iteration below throws.
  feeding.catch(() => undefined);
  try {
    for await (const inflated of gunzip) yield inflated as Buffer;
    await feeding;
  } catch (error) {
    if (isZlibError(error)) throw new GzipDataError(`gzip data is cut short or corrupt (${messageOf(error)})`);
    throw error;
  }
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
