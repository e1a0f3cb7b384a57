import { Command, CommanderError } from 'commander';
import { KAUDIT_VERSION } from '../core/version.ts';
import { StoreError } from '../store/object-store.ts';
import { type CliIo, EXIT, StoreFailure, UsageError } from './cli-io.ts';
import { registerBackfill } from './commands/backfill.ts';
import { registerCompact } from './commands/compact.ts';
import { registerDetect } from './commands/detect.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerQuery } from './commands/query.ts';
import { registerRedrive } from './commands/redrive.ts';
import { registerRules } from './commands/rules.ts';
import { registerSearch } from './commands/search.ts';
import { registerServe } from './commands/serve.ts';
import { registerTail } from './commands/tail.ts';
import { registerUi } from './commands/ui.ts';

/** Runs `kaudit` with `argv` (arguments after the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('kaudit')
    .description('Kubernetes audit events from EKS, AKS and self-managed clusters, in one queryable store')
    .version(KAUDIT_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(run with --help for usage)');
  const setExit = (code: number) => {
    exitCode = code;
  };
  registerIngest(program, io, setExit);
  registerQuery(program, io, setExit);
  registerSearch(program, io, setExit);
  registerRedrive(program, io, setExit);
  registerPolicy(program, io, setExit);
  registerServe(program, io, setExit);
  registerUi(program, io, setExit);
  registerBackfill(program, io, setExit);
  registerRules(program, io, setExit);
  registerDetect(program, io, setExit);
  registerCompact(program, io, setExit);
  registerTail(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its message; help and --version exit 0, everything else is usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const message = error instanceof UsageError ? error.message : `${(error as Error).message ?? error}`;
    io.stderr.write(`kaudit: ${message}\n`);
    return error instanceof StoreFailure || error instanceof StoreError ? EXIT.store : EXIT.usage;
  }
}
