import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { limitsOf } from '../../config/config-views.ts';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, isLoopbackAddress, startWebhookServer, type TlsCredentials } from '../../sources/webhook/node-server.ts';
import { readTlsCredentials } from '../../sources/webhook/tls-credentials.ts';
import type { WebhookReceiver } from '../../sources/webhook/webhook-core.ts';
import { readTokenFile } from '../../sources/webhook/webhook-settings.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { untilTerminated } from '../signals.ts';

/** Only this machine can reach the receiver unless `--host` says otherwise. */
const DEFAULT_HOST = '127.0.0.1';

export interface ServeOptions extends SharedOptionValues {
  port: string;
  tokens: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Seconds, as typed. */
  headerTimeout?: string;
  requestTimeout?: string;
  keepAliveTimeout?: string;
  maxConnections?: string;
}

const seconds = (milliseconds: number) => String(milliseconds / 1000);

const EXAMPLES = `
Examples:
  # on the control-plane host, reached by the local API server only
  kaudit serve --port 8080 --tokens /etc/kaudit/tokens.json --store s3://audit-lake/k8s

  # reached over the network: serve TLS with a certificate the API server trusts
  kaudit serve --host 0.0.0.0 --port 8443 --tokens tokens.json \\
    --tls-cert /etc/kaudit/tls.crt --tls-key /etc/kaudit/tls.key

  # tighter limits for a receiver exposed to untrusted networks
  kaudit serve --host 0.0.0.0 --port 8443 --tokens tokens.json --tls-cert tls.crt --tls-key tls.key \\
    --header-timeout 5 --request-timeout 20 --max-connections 16

Bearer tokens must not cross a network in clear text: off the loopback address, give --tls-cert
and --tls-key or put a TLS-terminating proxy in front (without TLS, a warning is printed).
A store failure does not stop it: the batch is answered 503.
${exitStatusHelp({ ok: 'stopped by SIGINT or SIGTERM', usage: 'usage error: a flag, a setting, the tokens file, a TLS file, or an address it cannot listen on' })}`;

export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description(COMMAND_SUMMARIES.serve)
    .requiredOption('--port <port>', 'TCP port to listen on (0: any free port)')
    .requiredOption('--tokens <file>', 'JSON file {"<token>": {"cluster_name": "...", "cluster_id": "..."}}')
    .addOption(SHARED_OPTIONS.store())
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', DEFAULT_HOST)
    .addOption(SHARED_OPTIONS.policy())
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert, unencrypted')
    .option('--header-timeout <seconds>', "longest wait for a request's headers", seconds(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs))
    .option('--request-timeout <seconds>', 'longest wait for a whole request, body included', seconds(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs))
    .option('--keep-alive-timeout <seconds>', 'how long an idle connection stays open', seconds(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs))
    .option('--max-connections <n>', 'most connections open at once; more are closed at once', String(DEFAULT_CONNECTION_LIMITS.maxConnections))
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', EXAMPLES)
    .action(async (options: ServeOptions) => setExit(await serveCommand(options, io, untilTerminated())));
}

/** `kaudit serve`: runs the webhook receiver until `stop` aborts, then finishes the requests in flight. */
export async function serveCommand(options: ServeOptions, io: CliIo, stop: AbortSignal): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port: expected 0 to 65535, got ${JSON.stringify(options.port)}`);
  const host = options.host ?? DEFAULT_HOST;
  const limits = connectionLimits(options);
  const tls = await tlsCredentials(options, io);
  const tokens = await readTokenFile(path.resolve(io.cwd, options.tokens)).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store), policy: flag('--policy', options.policy) });
  const store = await openCliEventStore(config, io);
  const log = (line: string) => io.stderr.write(`kaudit serve: ${line}\n`);
  const receiver: WebhookReceiver = {
    tokens,
    store,
    pipeline: await cliPipelineOptions(config, io),
    limits: limitsOf(config),
    maxBodyBytes: config.webhookMaxBodyBytes,
    now: () => new Date(),
    logError: (message, fields) => log(`${message} ${JSON.stringify(fields)}`),
  };
  const server = await startWebhookServer(receiver, { host, port, tls, limits, log }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`);
  });
  log(`listening on ${server.url} (${tokens.size} token${tokens.size === 1 ? '' : 's'}, store ${store.url})`);
  if (tls === null && !isLoopbackAddress(server.address)) {
    log(
      `warning: ${server.address} is reachable from other hosts and this is plain HTTP: bearer tokens and audit events cross the network in clear text; give --tls-cert and --tls-key, or put a TLS-terminating proxy in front`,
    );
  }
  if (!stop.aborted) await once(stop, 'abort');
  await server.close();
  log('stopped');
  return EXIT.ok;
}

function connectionLimits(options: ServeOptions): ConnectionLimits {
  const limits: ConnectionLimits = {
    headersTimeoutMs: milliseconds('--header-timeout', options.headerTimeout, DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
    requestTimeoutMs: milliseconds('--request-timeout', options.requestTimeout, DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
    keepAliveTimeoutMs: milliseconds('--keep-alive-timeout', options.keepAliveTimeout, DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs),
    maxConnections: count('--max-connections', options.maxConnections, DEFAULT_CONNECTION_LIMITS.maxConnections),
  };
  // The request timeout counts from the same start as the header timeout, and includes it.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new UsageError(`--header-timeout (${seconds(limits.headersTimeoutMs)} s) must not exceed --request-timeout (${seconds(limits.requestTimeoutMs)} s)`);
  }
  return limits;
}

/** A positive number of seconds (fractions allowed), in whole milliseconds. */
function milliseconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Math.round(Number(text) * 1000);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag}: expected a positive number of seconds, got ${JSON.stringify(text)}`);
  return value;
}

function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag}: expected a positive whole number, got ${JSON.stringify(text)}`);
  return value;
}

async function tlsCredentials(options: ServeOptions, io: CliIo): Promise<TlsCredentials | null> {
  if (options.tlsCert === undefined && options.tlsKey === undefined) return null;
  if (options.tlsCert === undefined || options.tlsKey === undefined) {
    throw new UsageError(`${options.tlsCert === undefined ? '--tls-key needs --tls-cert' : '--tls-cert needs --tls-key'}: give both to serve HTTPS, or neither for plain HTTP`);
  }
  return readTlsCredentials(path.resolve(io.cwd, options.tlsCert), path.resolve(io.cwd, options.tlsKey)).catch((error: Error) => {
    throw new UsageError(error.message);
  });
}
