import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, isIPv4 } from 'node:net';
import { messageOf } from '../../core/errors.ts';
import { requestPath } from './request-target.ts';
import { handleWebhookRequest, type WebhookReceiver, type WebhookRequest, type WebhookResponse } from './webhook-core.ts';

/** What bounds the time and the connections any client, authenticated or not, can hold. */
export interface ConnectionLimits {
  /** Longest wait for a request's headers, from the connection's start or the previous answer. */
  headersTimeoutMs: number;
  /** Longest wait for a whole request, headers and body; the time spent storing it is not counted. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Most connections open at once; the server closes any more as soon as it accepts them. */
  maxConnections: number;
}

/**
 * kube-apiserver sends its headers at once, and gives up on a request after 30 seconds; it keeps
 * one connection or a few. Each connection with a valid token may hold a body of up to the
 * receiver's limit in memory, which is what the connection cap bounds.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 64,
};

/** A PEM certificate (chain) and its private key. */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

export interface WebhookServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** HTTPS with these; plain HTTP when null. */
  tls: TlsCredentials | null;
  limits: ConnectionLimits;
  /** A line per answered request, and about refused connections. */
  log: (line: string) => void;
}

export interface RunningServer {
  /** `http(s)://host:port`, with the port the system chose when asked for 0. */
  url: string;
  /** The address listened on, as bound (`0.0.0.0`, `127.0.0.1`, `::`…). */
  address: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/** Serves the webhook receiver with node:http, or node:https when given credentials (`kaudit serve`). */
export async function startWebhookServer(receiver: WebhookReceiver, options: WebhookServerOptions): Promise<RunningServer> {
  const { limits, log } = options;
  const serverOptions: ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Timeouts are enforced when connections are checked (every 30 s by default): checking ten
    // times per shortest timeout keeps each one close to what was asked.
    connectionsCheckingInterval: Math.max(1, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)),
  };
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    respond(request, response, receiver, log).catch((error: unknown) => {
      // Nothing a client does may escape a request: one client must not stop the receiver.
      log(`request failed: ${(error as Error)?.message ?? String(error)}`);
      response.destroy();
    });
  };
  const server: Server =
    options.tls === null
      ? createHttpServer(serverOptions, onRequest)
      : // A client that opens a connection and never completes the handshake is held no longer than one that never sends headers.
        createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: limits.headersTimeoutMs }, onRequest);
  server.maxConnections = limits.maxConnections;
  server.on('drop', refusalReporter(limits.maxConnections, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Accepting can fail once listening (out of file descriptors, say): reported, not fatal.
  server.on('error', (error: NodeJS.ErrnoException) => log(`server error: ${error.code ?? error.message}`));
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = options.tls === null ? 'http' : 'https';
  return { url: `${scheme}://${shownHost}:${address.port}`, address: address.address, close: () => closeServer(server) };
}

/** Whether an address is the local host's own: traffic to it never leaves the machine. */
export function isLoopbackAddress(address: string): boolean {
  return isIPv4(address) ? address.startsWith('127.') : address === '::1' || /^::ffff:127\./i.test(address);
}

async function respond(request: IncomingMessage, response: ServerResponse, receiver: WebhookReceiver, log: (line: string) => void): Promise<void> {
  const path = requestPath(request.url ?? '/');
  let answer: WebhookResponse;
  try {
    answer = await handleWebhookRequest(nodeRequest(request, path), receiver);
  } catch (error) {
    // A failure reading the request (the client went away): nothing was stored, and nobody may be listening.
    receiver.logError('kaudit webhook request failed', { path, error: messageOf(error) });
    answer = { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"internal error"}\n' };
  }
  if (response.destroyed) {
    log(`${request.method} ${path}: the connection closed before the answer (${answer.status})`);
    return;
  }
  log(`${answer.status} ${request.method} ${path}`);
  // A refused client, or one answered before its body was read to the end, keeps no connection:
  // node closes it once the answer is sent, instead of reading (and discarding) the rest of the body.
  const close = (answer.status >= 400 && answer.status < 500) || !request.complete;
  response.writeHead(answer.status, close ? { ...answer.headers, connection: 'close' } : answer.headers).end(answer.body);
}

function nodeRequest(request: IncomingMessage, path: string): WebhookRequest {
  return {
    method: request.method ?? 'GET',
    path,
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    readBody: (maxBytes) => readLimited(request, maxBytes),
  };
}

/**
 * The request body, or null as soon as it passes `maxBytes`: reading then stops, and what the
 * client still sends is never read (the answer closes the connection). Rejects when the client
 * goes away before the end of the body.
 */
function readLimited(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        request.pause();
        settle(() => resolve(null));
      }
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => settle(() => reject(error));
    const onClose = () => settle(() => reject(new Error('the client closed the connection before the end of the body')));
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Reports refused connections, but at most once per interval, so a flood of connections is not also a flood of log lines. */
function refusalReporter(maxConnections: number, log: (line: string) => void): () => void {
  let refused = 0;
  let reportedAt = Number.NEGATIVE_INFINITY;
  return () => {
    refused++;
    if (performance.now() - reportedAt < REFUSAL_REPORT_INTERVAL_MS) return;
    log(`refused ${refused} connection${refused === 1 ? '' : 's'}: the limit of ${maxConnections} open connections is reached`);
    refused = 0;
    reportedAt = performance.now();
  };
}

const REFUSAL_REPORT_INTERVAL_MS = 10_000;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive connections would hold close() open; requests in flight still finish.
    server.closeIdleConnections();
  });
}
