/**
 * Real storage servers for the store tests, on loopback, on ephemeral ports, in temporary
 * directories: s3rver for S3, azurite (pinned 3.35.0, the last to run on Node 20) for Blob, and a
 * proxy between a client and either that injects the faults of a flaky network.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { BLOB_API_VERSION } from '../../shared/store/blob-rest-client.ts';
import { sharedKeyAuthorization } from '../../shared/store/blob-shared-key.ts';

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  stop(): Promise<void>;
}

/** s3rver accepts only its own key pair; the SDK's credential chain reads these from the environment. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export async function startS3rver(buckets: readonly string[]): Promise<TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'kaudit-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      // The SDK keeps connections alive; close() alone would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export const AZURITE_ACCOUNT = 'devstoreaccount1';
/** Azurite's well-known development account key: it is public. */
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Azurite's development account, reached at `blobEndpoint`. */
export function azuriteConnectionString(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint}/${AZURITE_ACCOUNT};`;
}

/** Azurite's Blob service as a child process, with `containers` created. */
export async function startAzurite(containers: readonly string[]): Promise<TestServer> {
  const location = await mkdtemp(path.join(tmpdir(), 'kaudit-azurite-'));
  const main = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
  const child = spawn(process.execPath, [main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--location', location, '--skipApiVersionCheck', '--disableTelemetry', '--silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(location, { recursive: true, force: true });
  };
  try {
    const endpoint = await listeningAddress(child);
    for (const container of containers) await createContainer(endpoint, container);
    return { endpoint, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Create Container, signed with the account key as any client signs it. */
async function createContainer(endpoint: string, container: string): Promise<void> {
  const url = new URL(`${endpoint}/${AZURITE_ACCOUNT}/${container}?restype=container`);
  const headers = { 'x-ms-version': BLOB_API_VERSION, 'x-ms-date': new Date().toUTCString() };
  const authorization = sharedKeyAuthorization(AZURITE_ACCOUNT, Buffer.from(AZURITE_KEY, 'base64'), { method: 'PUT', url, headers, contentLength: 0 });
  const response = await fetch(url, { method: 'PUT', headers: { ...headers, authorization } });
  if (response.status !== 201) throw new Error(`azurite: cannot create container ${container}: HTTP ${response.status}: ${await response.text()}`);
}

/** The address azurite prints once it listens (`… successfully listens on http://127.0.0.1:PORT`). */
function listeningAddress(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listens on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) resolve(match[1] as string);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`azurite exited with ${code} before listening:\n${output}`)));
    child.once('error', reject);
  });
}

/** What the proxy does to a request instead of forwarding it (to any method, or only to `method`). */
export type Fault = { method?: string } & (
  | /** Answers with this status and an S3/Azure-style XML error body, never reaching the server. */ { status: number }
  | /** Reads the request, then closes the connection without a response. */ { drop: true }
  | /** Forwards the headers and half the body, then closes both connections: a write cut off midway. */ { cut: true }
);

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FaultProxy extends TestServer {
  /** The next `count` requests that `fault` applies to get it; faults queue in the order given. */
  fail(fault: Fault, count?: number): void;
  /** Forgets every queued fault: requests pass again. */
  heal(): void;
  /** Every request that reached the proxy, faulted or not. */
  readonly requests: readonly SeenRequest[];
}

/** An HTTP proxy on loopback that forwards to `upstream` unless told to inject a fault. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: SeenRequest[] = [];
  let queue: { fault: Fault; remaining: number }[] = [];
  const server = http.createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    const planned = queue.find((entry) => entry.remaining > 0 && (entry.fault.method ?? request.method) === request.method);
    if (planned) planned.remaining--;
    const fault = planned?.fault;
    if (fault === undefined) forward(request, response, target);
    else if ('cut' in fault) cutOff(request, target);
    else {
      request.resume();
      request.once('end', () => {
        if ('drop' in fault) request.socket.destroy();
        else response.writeHead(fault.status, { 'content-type': 'application/xml' }).end(faultBody(fault.status));
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    fail(fault, count = Number.POSITIVE_INFINITY) {
      queue.push({ fault, remaining: count });
    },
    heal() {
      queue = [];
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function upstreamRequest(request: http.IncomingMessage, target: URL, onReply?: (reply: http.IncomingMessage) => void): http.ClientRequest {
  // The Host header stays the proxy's: it is part of what SigV4 signs.
  return http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, onReply);
}

function forward(request: http.IncomingMessage, response: http.ServerResponse, target: URL): void {
  const upstream = upstreamRequest(request, target, (reply) => {
    response.writeHead(reply.statusCode ?? 502, reply.headers);
    pipeline(reply, response).catch(() => response.destroy());
  });
  upstream.once('error', () => response.destroy());
  pipeline(request, upstream).catch(() => response.destroy());
}

function cutOff(request: http.IncomingMessage, target: URL): void {
  const upstream = upstreamRequest(request, target);
  upstream.once('error', () => undefined);
  const half = Math.floor(Number(request.headers['content-length'] ?? 0) / 2);
  let sent = 0;
  request.on('data', (chunk: Buffer) => {
    if (sent >= half) return;
    const part = chunk.subarray(0, half - sent);
    sent += part.length;
    // Closed once the half has been written out, so the server holds a truncated body.
    if (sent >= half)
      upstream.write(part, () => {
        upstream.destroy();
        request.socket.destroy();
      });
    else upstream.write(part);
  });
}

const ERROR_CODES: Record<number, string> = {
  404: 'NoSuchKey',
  409: 'ConditionalRequestConflict',
  412: 'PreconditionFailed',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function faultBody(status: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${ERROR_CODES[status] ?? 'InjectedFault'}</Code><Message>injected by the test proxy</Message></Error>`;
}
