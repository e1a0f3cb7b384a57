import { promises as fs } from 'node:fs';

/**
 * The part size of a file sent to a store: a file up to it is sent in one request, a larger one in
 * parts of it (S3's parts must be at least 5 MiB; Blob's blocks up to 4,000 MiB).
 */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/** The parts of a local file in order, read one at a time: at most one part is in memory. */
export async function* partsOf(file: string, partBytes: number = UPLOAD_PART_BYTES): AsyncGenerator<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    for (let position = 0; position < size; ) {
      // Sized to what is left: a small file does not cost a whole part.
      const part = Buffer.allocUnsafe(Math.min(partBytes, size - position));
      const { bytesRead } = await handle.read(part, 0, part.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield bytesRead === part.length ? part : part.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
