import { Command, CommanderError } from 'commander';
import { ConfigurationError, describeProblem } from '../config/read-config.ts';
import { messageOf } from '../core/errors.ts';
import { KAUDIT_VERSION } from '../core/version.ts';
import { type CliIo, UsageError } from './cli-io.ts';
import { registerBackfill } from './commands/backfill.ts';
import { registerCompact } from './commands/compact.ts';
import { registerConfig } from './commands/config.ts';
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
import { EXIT } from './exit-codes.ts';

/** Runs `kaudit` with `argv` (arguments after the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('kaudit')
    .description('Kubernetes audit events from EKS, AKS and self-managed clusters, in one queryable store')
    .version(KAUDIT_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError('(kaudit --help lists the commands, kaudit <command> --help their flags and examples)');
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
  registerConfig(program, io, setExit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its message; --help and --version end with code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof ConfigurationError) {
      for (const problem of error.problems) io.stderr.write(`kaudit: ${describeProblem(problem)}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`kaudit: ${messageOf(error)}\n`);
    // Everything a command checks before it reads or stores is a UsageError; what fails after
    // that is a store, queue or cloud service, and every write is idempotent, so it is safe to retry.
    return error instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}
