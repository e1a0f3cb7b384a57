import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../shared/cli/cli-io.ts';
import { runCli } from '../../shared/cli/program.ts';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** The working directory: relative inputs and the default store resolve against it. */
  cwd: string;
  /** The environment, and nothing of the test process's own (no AWS_REGION, no KAUDIT_STORE_URL). */
  env?: NodeJS.ProcessEnv;
  /** Text fed to stdin at once, or a stream that feeds it as the test writes to it. */
  stdin?: string | Buffer | Readable;
}

/** Runs `kaudit <args>` in-process, as the bin would, capturing what it prints. */
export async function runKaudit(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: options.stdin instanceof Readable ? options.stdin : Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd,
  };
  const exitCode = await runCli(args, io);
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
