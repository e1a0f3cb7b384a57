/**
 * An HTTP server on loopback standing in for a cloud endpoint (the Functions host's identity
 * endpoint, a Key Vault, Blob Storage): it answers each request as the test says (JSON unless the
 * answer's headers say otherwise), or not at all, and keeps what it was sent.
 */
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubAnswer {
  status: number;
  /** A string is sent as it is; anything else as JSON. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface StubRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The request's body as text. */
  body: string;
}

export interface StubServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  readonly requests: readonly StubRequest[];
  /** Changes the answer to the requests that follow; null: the request is never answered. */
  answer(answer: (request: StubRequest) => StubAnswer | null): void;
  stop(): Promise<void>;
}

export async function startStubServer(answer: (request: StubRequest) => StubAnswer | null): Promise<StubServer> {
  const requests: StubRequest[] = [];
  let answering = answer;
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seen = { method: request.method ?? '', url: new URL(request.url ?? '/', 'http://stub'), headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
    requests.push(seen);
    const answer = answering(seen);
    if (answer === null) return;
    const { status, body, headers } = answer;
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer(next) {
      answering = next;
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
