import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { limitsFromEnv } from '../../limits.ts';
import { startWebhookServer } from '../../webhook/node-server.ts';
import type { WebhookReceiver } from '../../webhook/webhook-core.ts';
import { maxBodyBytesFromEnv, readTokenFile } from '../../webhook/webhook-settings.ts';
import { EXIT, UsageError, type CliIo } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';

export interface ServeOptions {
  port: string;
  tokens: string;
  store?: string;
  host: string;
  policy?: string;
}

export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description("receive kube-apiserver's audit webhook batches over HTTP and store them (SIGINT/SIGTERM stop it)")
    .requiredOption('--port <port>', 'TCP port to listen on (0: any free port)')
    .requiredOption('--tokens <file>', 'JSON file {"<token>": {"cluster_name": "...", "cluster_id": "..."}}')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--policy <file>', 'audit Policy to re-apply before storing')
    .addHelpText('after', '\nPut a TLS-terminating proxy in front of it: the bearer tokens must not cross a network in clear text.')
    .action(async (options: ServeOptions) => setExit(await serveCommand(options, io, untilTerminated())));
}

/** `kaudit serve`: runs the webhook receiver until `stop` aborts, then finishes the requests in flight. */
export async function serveCommand(options: ServeOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port: expected 0 to 65535, got ${JSON.stringify(options.port)}`);
  const tokens = await readTokenFile(path.resolve(io.cwd, options.tokens)).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const store = await openCliEventStore(options.store, io);
  const log = (line: string) => io.stderr.write(`kaudit serve: ${line}\n`);
  const receiver: WebhookReceiver = {
    tokens,
    store,
    pipeline: await cliPipelineOptions(options.policy, io),
    limits: limitsFromEnv(io.env),
    maxBodyBytes: maxBodyBytesFromEnv(io.env),
    now: () => new Date(),
    logError: (message, fields) => log(`${message} ${JSON.stringify(fields)}`),
  };
  const server = await startWebhookServer(receiver, options.host, port, log).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot listen on ${options.host}:${port}: ${error.code ?? error.message}`);
  });
  log(`listening on ${server.url} (${tokens.size} token${tokens.size === 1 ? '' : 's'}, store ${store.url})`);
  if (!stop.aborted) await once(stop, 'abort');
  await server.close();
  log('stopped');
  return EXIT.ok;
}

/** Aborts on the first SIGINT or SIGTERM. */
function untilTerminated(): AbortSignal {
  const controller = new AbortController();
  const abort = () => {
    process.off('SIGINT', abort).off('SIGTERM', abort);
    controller.abort();
  };
  process.on('SIGINT', abort).on('SIGTERM', abort);
  return controller.signal;
}
