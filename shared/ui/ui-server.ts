import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DashboardApi } from './dashboard-api.ts';
import type { WebAssets } from './web-bundle.ts';

export interface UiServerOptions {
  host: string;
  port: number;
  /** Required of every request when set (bearer header, or the cookie `/?token=` leaves). */
  token: string | null;
  api: DashboardApi;
  assets: WebAssets;
  log: (line: string) => void;
}

export interface UiServer {
  /** `http://HOST:PORT/` */
  url: string;
  address: string;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'kaudit_ui_token';
/** Request line and headers: a URL holds at most a query of the language and a few parameters. */
const MAX_HEADER_BYTES = 64 * 1024;
const TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };

/**
 * Everything the page may load comes from this server; no inline script or style, no frames, no
 * forms posted elsewhere. Event text is shown as text, and this stops what escaping would miss.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cache-Control': 'no-store',
};

/** The dashboard over HTTP: the page, its script and style, and the read-only JSON API (GET only). */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES, ...TIMEOUTS }, (request, response) => {
    handle(request, response, options, server.address() as AddressInfo).catch((error: unknown) => {
      options.log(`request failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: { message: 'internal error' } }));
      else response.destroy();
    });
  });
  server.listen(options.port, options.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    address: address.address,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse, options: UiServerOptions, address: AddressInfo): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return send(response, 405, 'application/json', JSON.stringify({ error: { message: 'only GET and HEAD' } }), true);
  }
  // Nothing here takes a body: a request that brings one is refused without reading it.
  if (request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0) {
    return send(response, 413, 'application/json', JSON.stringify({ error: { message: 'requests have no body' } }), true);
  }
  // A page on another site may resolve its own name to 127.0.0.1 (DNS rebinding): on the loopback
  // address, only the names of this server are accepted.
  if (options.token === null && !isOwnHost(request.headers.host, address.port)) {
    return send(response, 421, 'application/json', JSON.stringify({ error: { message: 'unexpected Host' } }), true);
  }
  const url = new URL(request.url ?? '/', 'http://ui.invalid');
  if (options.token !== null) {
    const offered = url.searchParams.get('token');
    if (url.pathname === '/' && offered !== null && tokenMatches(offered, options.token)) {
      // The token leaves the address bar (and history) for a cookie scripts cannot read.
      url.searchParams.delete('token');
      response.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`);
      response.setHeader('Location', `/${url.search}`);
      return send(response, 303, 'text/plain; charset=utf-8', 'see /\n');
    }
    if (!tokenMatches(requestToken(request) ?? '', options.token)) {
      return send(response, 401, 'text/plain; charset=utf-8', 'kaudit ui: open the address kaudit ui printed, with ?token=…, or send Authorization: Bearer <token>\n', true);
    }
  }
  switch (url.pathname) {
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', options.assets.html);
    case '/app.js':
      return send(response, 200, 'text/javascript; charset=utf-8', options.assets.js);
    case '/app.css':
      return send(response, 200, 'text/css; charset=utf-8', options.assets.css);
    case '/favicon.ico':
      // Browsers ask for it whatever the page says; there is none.
      return send(response, 204, 'text/plain', '');
  }
  const api = /^\/api\/([a-z]+)$/.exec(url.pathname);
  if (api) {
    const answer = await options.api.answer(api[1] as string, url.searchParams);
    return send(response, answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.body));
  }
  return send(response, 404, 'application/json', JSON.stringify({ error: { message: 'not found' } }));
}

function send(response: http.ServerResponse, status: number, type: string, body: string, close = false): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  if (close) response.setHeader('Connection', 'close');
  response.statusCode = status;
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

function requestToken(request: http.IncomingMessage): string | null {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1] as string;
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Compared in constant time: digests first, so neither length nor content leaks through timing. */
function tokenMatches(offered: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(offered), digest(expected));
}
