import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleWebhookRequest, type WebhookReceiver, type WebhookRequest, type WebhookResponse } from './webhook-core.ts';

export interface RunningServer {
  /** `http://host:port`, with the port the system chose when asked for 0. */
  url: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/** Serves the webhook receiver with node:http (`kaudit serve`). */
export async function startWebhookServer(receiver: WebhookReceiver, host: string, port: number, onRequest?: (line: string) => void): Promise<RunningServer> {
  const server = createServer((request, response) => {
    void respond(request, response, receiver, onRequest);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shownHost}:${address.port}`, close: () => closeServer(server) };
}

async function respond(request: IncomingMessage, response: ServerResponse, receiver: WebhookReceiver, onRequest?: (line: string) => void): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://receiver').pathname;
  let answer: WebhookResponse;
  try {
    answer = await handleWebhookRequest(nodeRequest(request, path), receiver);
  } catch (error) {
    // A failure reading the request (the client went away): nothing was stored, and nobody may be listening.
    receiver.logError('kaudit webhook request failed', { path, error: (error as Error).message });
    answer = { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"internal error"}\n' };
  }
  onRequest?.(`${answer.status} ${request.method} ${path}`);
  if (!response.destroyed) response.writeHead(answer.status, answer.headers).end(answer.body);
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
 * The request body, or null as soon as it passes `maxBytes`. What is left unread is discarded
 * by node once the response is sent, so the client can finish sending and read the 413.
 */
function readLimited(request: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onError);
      request.resume();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    request.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive connections would hold close() open; requests in flight still finish.
    server.closeIdleConnections();
  });
}
