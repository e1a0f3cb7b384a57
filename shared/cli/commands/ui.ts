import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { messageOf } from '../../core/errors.ts';
import { startDashboard } from '../../ui/dashboard.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { type LakeOptions, openLake } from '../open-lake.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { untilTerminated } from '../signals.ts';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8642;
/** Long enough that guessing is hopeless, as for the webhook's tokens. */
const MIN_TOKEN_LENGTH = 16;

interface UiOptions extends SharedOptionValues, LakeOptions {
  port?: string;
  host?: string;
  tokenFile?: string;
}

const EXAMPLES = `
Examples:
  # the dashboard over the local lake, at http://127.0.0.1:${DEFAULT_PORT}/
  kaudit ui --store file://./kaudit-data

  # a cloud store: the last week's partitions are pulled into the cache first
  kaudit ui --store s3://audit-lake/k8s --since 7d

  # reachable from other hosts: a token is required (open the printed address with ?token=…)
  kaudit ui --host 0.0.0.0 --token-file ~/.kaudit-ui-token

A view is in the address: /?q=responsestatus_code%3D403&since=24h&cluster=prod reproduces it.
The page reads the lake only; it sends the search language, never SQL. Stop with Ctrl-C.
${exitStatusHelp({ ok: 'stopped by SIGINT or SIGTERM', usage: 'usage error: a flag, a setting, the token file, an address it cannot listen on', failed: 'the store could not be listed or read' })}`;

export function registerUi(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('ui')
    .description(COMMAND_SUMMARIES.ui)
    .addOption(SHARED_OPTIONS.store())
    .option('--port <port>', `TCP port (0: any free port)`, String(DEFAULT_PORT))
    .option('--host <address>', `address to listen on; anything but the default needs --token-file (default: ${DEFAULT_HOST})`)
    .option('--token-file <file>', `a file holding the token every request must carry (at least ${MIN_TOKEN_LENGTH} characters)`)
    .addOption(SHARED_OPTIONS.since('load only events at or after TIME (cloud stores pull this range)'))
    .addOption(SHARED_OPTIONS.until('load only events before TIME (default: now)'))
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', EXAMPLES)
    .action(async (options: UiOptions) => setExit(await uiCommand(options, io, untilTerminated())));
}

/** `kaudit ui`: serves the dashboard until `stop` aborts. */
async function uiCommand(options: UiOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  const port = Number(options.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port: expected 0 to 65535, got ${JSON.stringify(options.port)}`);
  if (options.host !== undefined && options.tokenFile === undefined) {
    throw new UsageError('--host needs --token-file: off the default address, every request must carry a token');
  }
  const host = options.host ?? DEFAULT_HOST;
  const token = options.tokenFile === undefined ? null : await readToken(path.resolve(io.cwd, options.tokenFile));
  const log = (line: string) => io.stderr.write(`kaudit ui: ${line}\n`);
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  const { lake, root, storeUrl } = await openLake(config, options, io, new Date());
  try {
    const server = await startDashboard({ lake, root, host, port, token, log }).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`);
    });
    log(`dashboard of ${storeUrl} at ${server.url}${token === null ? '' : ' (open it with ?token=<the token>)'}`);
    if (!stop.aborted) await once(stop, 'abort');
    await server.close();
    log('stopped');
    return EXIT.ok;
  } finally {
    lake.close();
  }
}

async function readToken(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UsageError(`--token-file: cannot read ${file}: ${messageOf(error)}`);
  });
  const token = text.trim();
  // The message never quotes the file: it holds a secret.
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new UsageError(`--token-file: ${file} must hold one token of at least ${MIN_TOKEN_LENGTH} characters, without spaces`);
  }
  return token;
}
