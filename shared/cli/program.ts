import { Command, CommanderError } from 'commander';
import { ConfigurationError, describeProblem } from '../config/read-config.ts';
import { messageOf } from '../core/errors.ts';
import { KAUDIT_VERSION } from '../core/version.ts';
import { type CliIo, UsageError } from './cli-io.ts';
import { COMMAND_SUMMARIES, type CommandName } from './command-summaries.ts';
import { EXIT } from './exit-codes.ts';

type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs: some load DuckDB or a cloud SDK,
 * which would otherwise make every command (and `--help`) start as slowly as the heaviest one.
 */
const COMMAND_MODULES: Record<CommandName, () => Promise<RegisterCommand>> = {
  ingest: async () => (await import('./commands/ingest.ts')).registerIngest,
  tail: async () => (await import('./commands/tail.ts')).registerTail,
  query: async () => (await import('./commands/query.ts')).registerQuery,
  search: async () => (await import('./commands/search.ts')).registerSearch,
  redrive: async () => (await import('./commands/redrive.ts')).registerRedrive,
  policy: async () => (await import('./commands/policy.ts')).registerPolicy,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  ui: async () => (await import('./commands/ui.ts')).registerUi,
  backfill: async () => (await import('./commands/backfill.ts')).registerBackfill,
  rules: async () => (await import('./commands/rules.ts')).registerRules,
  detect: async () => (await import('./commands/detect.ts')).registerDetect,
  compact: async () => (await import('./commands/compact.ts')).registerCompact,
  config: async () => (await import('./commands/config.ts')).registerConfig,
};

function isCommandName(word: string | undefined): word is CommandName {
  return word !== undefined && Object.hasOwn(COMMAND_MODULES, word);
}

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
  const requested = argv[0];
  if (isCommandName(requested)) {
    (await COMMAND_MODULES[requested]())(program, io, setExit);
  } else {
    // No command named (`--help`, `--version`, a typo): the list of commands is all commander needs.
    for (const [name, summary] of Object.entries(COMMAND_SUMMARIES)) program.command(name).description(summary);
  }
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
