import type { Readable, Writable } from 'node:stream';

/** The process edges a command touches, so tests can run commands in-process. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/** A problem with how kaudit was called, or input it could not read at all: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A store or the lake in it could not be listed or read. Like every error that is not a UsageError
 * it ends the command with EXIT.failed (shared/cli/exit-codes.ts); the class names the cause.
 */
export class StoreFailure extends Error {
  override name = 'StoreFailure';
}

export async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Commander's argument parser for an option that may be given several times: every value, in order. */
export function repeatable(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
