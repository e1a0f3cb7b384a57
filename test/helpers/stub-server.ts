/**
 * A JSON HTTP server on loopback standing in for a cloud endpoint (the Functions host's identity
 * endpoint, a Key Vault): it answers each request as the test says and keeps what it was sent.
 */
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubAnswer {
  status: number;
  body: unknown;
}

export interface StubRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface StubServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  readonly requests: readonly StubRequest[];
  /** Changes the answer to the requests that follow. */
  answer(answer: (request: StubRequest) => StubAnswer): void;
  stop(): Promise<void>;
}

export async function startStubServer(answer: (request: StubRequest) => StubAnswer): Promise<StubServer> {
  const requests: StubRequest[] = [];
  let answering = answer;
  const server = http.createServer((request, response) => {
    const seen = { method: request.method ?? '', url: new URL(request.url ?? '/', 'http://stub'), headers: request.headers };
    requests.push(seen);
    const { status, body } = answering(seen);
    response.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
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
