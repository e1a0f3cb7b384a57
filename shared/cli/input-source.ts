import { fstatSync } from 'node:fs';
import { access, constants, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileErrorOf } from '../core/errors.ts';
import { type CliIo, UsageError } from './cli-io.ts';

/** One input of a command, opened as a stream of chunks. */
export interface InputSource {
  /** A path as given, or `-`. */
  input: string;
  chunks: AsyncIterable<Buffer>;
  /** The file's size, or null for a pipe or a terminal. */
  size: number | null;
  /** Bytes read so far (compressed bytes, for gzip input). */
  bytesRead(): number;
}

const READ_CHUNK_BYTES = 1024 * 1024;

/** Fails with a usage error naming the input when it cannot be read, before anything is stored. */
export async function checkReadable(input: string, io: CliIo): Promise<void> {
  if (input === '-') return;
  const file = path.resolve(io.cwd, input);
  try {
    await access(file, constants.R_OK);
    if ((await stat(file)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (error) {
    throw new UsageError(`${input}: cannot read: ${fileErrorOf(error)}`);
  }
}

/** Opens a file, or stdin for `-`. */
export async function openInputSource(input: string, io: CliIo): Promise<InputSource> {
  if (input === '-') {
    const fd = (io.stdin as { fd?: unknown }).fd;
    const size = typeof fd === 'number' && fstatSync(fd).isFile() ? fstatSync(fd).size : null;
    return counted(input, io.stdin, size);
  }
  try {
    const handle = await open(path.resolve(io.cwd, input));
    const { size } = await handle.stat();
    return counted(input, handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), size);
  } catch (error) {
    throw new UsageError(`${input}: cannot read: ${fileErrorOf(error)}`);
  }
}

function counted(input: string, stream: AsyncIterable<Buffer | string>, size: number | null): InputSource {
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      yield buffer;
    }
  }
  return { input, chunks: chunks(), size, bytesRead: () => bytes };
}
