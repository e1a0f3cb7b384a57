import { gunzipSync, inflateSync } from 'node:zlib';

/**
 * Decompresses gzip or zlib (CloudWatch Logs sends gzip; some relays re-encode as zlib), refusing
 * to inflate past `maxBytes` so a small bomb can't take the function's memory.
 */
export function decompress(data: Buffer, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  switch (compressionOf(data)) {
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
  return error instanceof Error ? error.message : String(error);
}
