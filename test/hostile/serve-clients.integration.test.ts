/**
 * `kaudit serve` against hostile clients over real sockets: whatever a client sends, or how
 * slowly, or how many connections it opens, the receiver answers or closes the connection
 * within its limits, stores nothing it should not, and still answers GET /healthz afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServeOptions } from '../../shared/cli/commands/serve.ts';
import { auditEvent, eventList } from '../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { CLOSE_BOUND_MS, exchange, healthStatus, RawClient } from '../helpers/raw-client.ts';
import { PROD_TOKEN, type Serving, serve } from '../helpers/webhook-server.ts';

/** Short limits, so each case ends quickly; each describe may change them. */
const SHORT: Partial<ServeOptions> = { headerTimeout: '0.3', requestTimeout: '1', keepAliveTimeout: '0.3', maxConnections: '8' };
/** The largest body accepted in these tests. */
const MAX_BODY_BYTES = 64 * 1024;
/** A body larger than any limit, sent in pieces a refused client keeps writing for minutes. */
const ENDLESS_LENGTH = 1_000_000_000;
const PIECE = Buffer.alloc(16 * 1024, 'x');
const PIECE_EVERY_MS = 10;

/** An HTTP/1.1 request as raw text. */
function rawRequest(requestLine: string, headers: Record<string, string | number> = {}, body = ''): string {
  const lines = Object.entries({ Host: 'kaudit', ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${requestLine}\r\n${lines.join('')}\r\n${body}`;
}

const AUTHORIZED = { Authorization: `Bearer ${PROD_TOKEN}`, 'Content-Type': 'application/json' };

/** Waits until `condition` holds, at most `CLOSE_BOUND_MS`; says whether it did. */
async function eventually(condition: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + CLOSE_BOUND_MS;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('kaudit serve against hostile clients', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let server: Serving | undefined;
  const start = async (options: Partial<ServeOptions> = SHORT) => {
    server = await serve(lake.root, lake.url, { KAUDIT_WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY_BYTES) }, options);
    return server;
  };
  const stored = async () => [...(await readRows(lake.url, 'events/v1/')), ...(await readRows(lake.url, 'quarantine/v1/'))];
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await lake.cleanup();
  });

  describe('malformed request targets (which new URL() refuses)', () => {
    it.each([
      ['GET //[ HTTP/1.1', 405],
      ['GET http://[ HTTP/1.1', 405],
      ['GET http://%zz HTTP/1.1', 405],
      ['GET http://a:99999/ HTTP/1.1', 405],
      ['GET http://[::1 HTTP/1.1', 405],
      ['GET //user@[/x HTTP/1.1', 405],
      ['GET /%zz%00%ff HTTP/1.1', 405],
      ['OPTIONS * HTTP/1.1', 405],
      ['GET http://kaudit:99999/healthz?[ HTTP/1.1', 200],
    ])('%s: answered %i, and the server stays up', async (requestLine, status) => {
      // Prepare
      const { url } = await start();

      // Act
      const client = await exchange(url, rawRequest(requestLine, { Connection: 'close' }));

      // Assess
      expect(client.status()).toBe(status);
      expect(await healthStatus(url)).toBe(200);
    });

    it('stores a batch POSTed to such a target, with its path as sent', async () => {
      // Prepare
      const { url } = await start();
      const body = JSON.stringify(eventList([auditEvent()]));

      // Act
      const client = await exchange(url, rawRequest('POST //[?x HTTP/1.1', { ...AUTHORIZED, 'Content-Length': body.length, Connection: 'close' }, body));

      // Assess
      expect(client.status()).toBe(200);
      expect((await readRows(lake.url, 'events/v1/')).map((row) => row.source_stream)).toEqual(['//[']);
    });
  });

  describe('malformed requests, refused by the HTTP parser', () => {
    it.each([
      ['a request line that is not HTTP', 400, 'GARBAGE\r\n\r\n'],
      ['no Host header', 400, 'GET /healthz HTTP/1.1\r\n\r\n'],
      ['a header line without a colon', 400, rawRequest('GET /healthz HTTP/1.1', { 'X-Fine': 'yes' }).replace('X-Fine: yes', 'NoColonHere')],
      ['a NUL byte in a header value', 400, rawRequest('GET /healthz HTTP/1.1', { 'X-Value': 'a\u0000b' })],
      ['a negative Content-Length', 400, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': -1 })],
      ['two different Content-Lengths', 400, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': 5 }).replace('\r\n\r\n', '\r\nContent-Length: 6\r\n\r\n')],
      ['Content-Length with Transfer-Encoding', 400, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': 5, 'Transfer-Encoding': 'chunked' })],
      ['a chunk size that is not hexadecimal, after valid headers', 400, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Transfer-Encoding': 'chunked' }, 'zz\r\nabc\r\n')],
      ['a header larger than the header size limit', 431, rawRequest('GET /healthz HTTP/1.1', { 'X-Large': 'a'.repeat(20_000) })],
      ['a request line larger than the header size limit', 431, rawRequest(`GET /${'a'.repeat(20_000)} HTTP/1.1`)],
      [
        'more headers than fit the header size limit',
        431,
        rawRequest('GET /healthz HTTP/1.1', Object.fromEntries(Array.from({ length: 3_000 }, (_, index) => [`X-${index}`, '1']))),
      ],
    ])('%s: answered %i, the connection closed, the server stays up', async (_name, status, request) => {
      // Prepare
      const { url } = await start();

      // Act
      const client = await exchange(url, request);

      // Assess
      expect(client.status()).toBe(status);
      expect(client.open).toBe(false);
      expect(await stored()).toEqual([]);
      expect(await healthStatus(url)).toBe(200);
    });

    it('answers a request with many small headers that fit the size limit', async () => {
      // Prepare
      const { url } = await start();
      const headers = Object.fromEntries(Array.from({ length: 1_500 }, (_, index) => [`X-${index}`, '1']));

      // Act
      const client = await exchange(url, rawRequest('GET /healthz HTTP/1.1', { ...headers, Connection: 'close' }));

      // Assess
      expect(client.status()).toBe(200);
    });
  });

  describe('slow clients', () => {
    it('closes a connection on which nothing is sent', async () => {
      // Prepare
      const { url } = await start();

      // Act
      const client = await RawClient.connect(url);

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(408);
      expect(await healthStatus(url)).toBe(200);
    });

    it('closes a connection whose headers never end (slowloris)', async () => {
      // Prepare
      const { url } = await start();
      const client = await RawClient.connect(url);

      // Act
      client.write('POST / HTTP/1.1\r\nHost: kaudit\r\n');
      client.drip('X-Slow: a\r\n', 50);

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(408);
      expect(await healthStatus(url)).toBe(200);
    });

    it('closes a connection whose body trickles in, and stores nothing of it', async () => {
      // Prepare
      const { url } = await start();
      const client = await RawClient.connect(url);

      // Act
      client.write(rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': MAX_BODY_BYTES }));
      client.drip('x', 50);

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(408);
      expect(await stored()).toEqual([]);
      expect(await healthStatus(url)).toBe(200);
    });

    it('closes a keep-alive connection left idle after its answer', async () => {
      // Prepare
      const { url } = await start();
      const client = await RawClient.connect(url);

      // Act
      client.write(rawRequest('GET /healthz HTTP/1.1'));

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(200);
    });
  });

  it('refuses connections past the cap at once, keeps those it holds, and serves again once they close', async () => {
    // Prepare: three connections, each answered once and then held open.
    const { url, stderr } = await start({ ...SHORT, headerTimeout: '30', requestTimeout: '30', keepAliveTimeout: '30', maxConnections: '3' });
    const held = await Promise.all([1, 2, 3].map(() => RawClient.connect(url)));
    for (const client of held) client.write(rawRequest('GET /healthz HTTP/1.1'));
    expect(await eventually(() => held.every((client) => client.status() === 200))).toBe(true);

    // Act
    const excess = await RawClient.connect(url);
    excess.write(rawRequest('GET /healthz HTTP/1.1'));

    // Assess
    expect(await excess.closedWithin()).toBe(true);
    expect(excess.received()).toBe('');
    expect(held.every((client) => client.open)).toBe(true);
    expect(stderr()).toContain('kaudit serve: refused 1 connection: the limit of 3 open connections is reached');
    for (const client of held) client.destroy();
    expect(await eventually(async () => (await healthStatus(url)) === 200)).toBe(true);
  });

  it('survives a client that goes away in the middle of its body, and stores nothing of it', async () => {
    // Prepare
    const { url, stderr } = await start();
    const client = await RawClient.connect(url);
    client.write(rawRequest('POST /audit HTTP/1.1', { ...AUTHORIZED, 'Content-Length': 10_000 }, '{"kind":"EventList","items":['));

    // Act
    client.destroy();

    // Assess
    expect(await eventually(() => stderr().includes('kaudit serve: POST /audit: the connection closed before the answer (500)'))).toBe(true);
    expect(stderr()).toContain('kaudit webhook request failed {"path":"/audit"');
    expect(await stored()).toEqual([]);
    expect(await healthStatus(url)).toBe(200);
  });

  describe('a refused request whose body is still being sent', () => {
    // The request timeout is long here: only the refusal can explain a prompt close.
    const PATIENT: Partial<ServeOptions> = { ...SHORT, headerTimeout: '30', requestTimeout: '60' };

    it.each([
      ['no bearer token', 401, rawRequest('POST / HTTP/1.1', { 'Content-Length': ENDLESS_LENGTH })],
      ['an unknown bearer token', 401, rawRequest('POST / HTTP/1.1', { Authorization: 'Bearer not-a-known-token-at-all', 'Content-Length': ENDLESS_LENGTH })],
      ['a declared length over the limit', 413, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': ENDLESS_LENGTH })],
      ['a compressed body', 415, rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Content-Encoding': 'gzip', 'Content-Length': ENDLESS_LENGTH })],
      ['a method other than POST', 405, rawRequest('PUT / HTTP/1.1', { ...AUTHORIZED, 'Content-Length': ENDLESS_LENGTH })],
    ])('%s: answered %i, then the connection is closed instead of read to the end', async (_name, status, head) => {
      // Prepare
      const { url } = await start(PATIENT);
      const client = await RawClient.connect(url);

      // Act
      client.write(head);
      client.drip(PIECE, PIECE_EVERY_MS);

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(status);
      expect(client.received()).toMatch(/\r\nconnection: close\r\n/i);
      expect(client.bytesSent).toBeLessThan(ENDLESS_LENGTH);
      expect(await healthStatus(url)).toBe(200);
    });

    it('a chunked body that grows past the limit: answered 413, then the connection is closed', async () => {
      // Prepare
      const { url } = await start(PATIENT);
      const client = await RawClient.connect(url);
      const chunk = Buffer.concat([Buffer.from(`${PIECE.length.toString(16)}\r\n`), PIECE, Buffer.from('\r\n')]);

      // Act
      client.write(rawRequest('POST / HTTP/1.1', { ...AUTHORIZED, 'Transfer-Encoding': 'chunked' }));
      client.drip(chunk, PIECE_EVERY_MS);

      // Assess
      expect(await client.closedWithin()).toBe(true);
      expect(client.status()).toBe(413);
      expect(await stored()).toEqual([]);
      expect(await healthStatus(url)).toBe(200);
    });
  });
});
