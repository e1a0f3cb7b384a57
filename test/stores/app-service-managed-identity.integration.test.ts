/**
 * The managed identity credential of the Functions app against a real HTTP server on loopback
 * standing in for the host's identity endpoint (IDENTITY_ENDPOINT).
 */
import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppServiceManagedIdentityCredential, type ManagedIdentityEndpoint } from '../../shared/store/app-service-managed-identity.ts';

const SCOPE = 'https://storage.azure.com/.default';
const HEADER_SECRET = 'identity-header-7f3a9c';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.storage-token';

interface Answer {
  status: number;
  body: string;
}

interface IdentityEndpoint {
  /** `http://127.0.0.1:PORT/msi/token`, as the host sets IDENTITY_ENDPOINT. */
  endpoint: string;
  host: string;
  requests: { url: URL; headers: IncomingHttpHeaders }[];
  stop(): Promise<void>;
}

/** An identity endpoint answering each request with the next of `answers` (the last one repeats); `null`: never answers. */
async function startIdentityEndpoint(...answers: (Answer | null)[]): Promise<IdentityEndpoint> {
  const requests: IdentityEndpoint['requests'] = [];
  const server = http.createServer((request, response) => {
    requests.push({ url: new URL(request.url ?? '/', 'http://identity'), headers: request.headers });
    const answer = answers[Math.min(requests.length, answers.length) - 1];
    if (answer === null || answer === undefined) return;
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: `http://${host}/msi/token`,
    host,
    requests,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The error `asking` rejects with. */
async function failureOf(asking: Promise<unknown>): Promise<Error> {
  try {
    await asking;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure, got an answer');
}

const tokenAnswer = (expiresOn: string | number = '1900000000'): Answer => ({
  status: 200,
  body: JSON.stringify({ access_token: TOKEN, expires_on: expiresOn, resource: 'https://storage.azure.com/', token_type: 'Bearer' }),
});

describe('AppServiceManagedIdentityCredential', () => {
  let server: IdentityEndpoint | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  /** The credential of the system-assigned identity (or `clientId`'s), retrying without delay. */
  function credentialFor(endpoint: string, clientId: string | null = null): AppServiceManagedIdentityCredential {
    const identity: ManagedIdentityEndpoint = { endpoint, header: HEADER_SECRET, clientId };
    return new AppServiceManagedIdentityCredential(identity, { retryDelayMs: 1 });
  }

  it('asks the endpoint for the scope’s resource with api-version 2019-08-01, sending the identity header', async () => {
    // Prepare
    server = await startIdentityEndpoint(tokenAnswer());

    // Act
    await credentialFor(server.endpoint).getToken(SCOPE);

    // Assess
    expect(server.requests).toHaveLength(1);
    const [{ url, headers }] = server.requests as [IdentityEndpoint['requests'][number]];
    expect(url.pathname).toBe('/msi/token');
    expect(Object.fromEntries(url.searchParams)).toEqual({ resource: 'https://storage.azure.com/', 'api-version': '2019-08-01' });
    expect(headers['x-identity-header']).toBe(HEADER_SECRET);
  });

  it('names a user-assigned identity by its client id (AZURE_CLIENT_ID)', async () => {
    // Prepare
    server = await startIdentityEndpoint(tokenAnswer());

    // Act
    await credentialFor(server.endpoint, '00000000-0000-0000-0000-00000000c1d0').getToken(SCOPE);

    // Assess
    expect(server.requests[0]?.url.searchParams.get('client_id')).toBe('00000000-0000-0000-0000-00000000c1d0');
  });

  it.each([
    ['a string', '1900000000'],
    ['a number', 1900000000],
  ])('returns the access token and its expiry in milliseconds, expires_on given as %s', async (_, expiresOn) => {
    // Prepare
    server = await startIdentityEndpoint(tokenAnswer(expiresOn));

    // Act
    const token = await credentialFor(server.endpoint).getToken(SCOPE);

    // Assess
    expect(token).toEqual({ token: TOKEN, expiresOnTimestamp: 1_900_000_000_000 });
  });

  it('fails on HTTP 400 with the endpoint’s host, the status and the answer’s message, and never the identity header', async () => {
    // Prepare: an answer that echoes the secret must not carry it into the error.
    const message = `Unable to load the proper Managed Identity. (header ${HEADER_SECRET})`;
    server = await startIdentityEndpoint({ status: 400, body: JSON.stringify({ statusCode: 400, message, correlationId: 'c0ffee' }) });

    // Act
    const error = await failureOf(credentialFor(server.endpoint).getToken(SCOPE));

    // Assess
    expect(error.message).toBe(`managed identity endpoint ${server.host}: HTTP 400: Unable to load the proper Managed Identity. (header [IDENTITY_HEADER])`);
    expect(error.message).not.toContain(HEADER_SECRET);
  });

  it('does not ask again after an HTTP 400', async () => {
    // Prepare
    server = await startIdentityEndpoint({ status: 400, body: '{"error":"invalid_request","error_description":"bad resource"}' });

    // Act
    await credentialFor(server.endpoint)
      .getToken(SCOPE)
      .catch(() => undefined);

    // Assess
    expect(server.requests).toHaveLength(1);
  });

  it('fails on an HTTP 500 that lasts, after three attempts, with the error code and description', async () => {
    // Prepare
    server = await startIdentityEndpoint({ status: 500, body: '{"error":"unknown_error","error_description":"Managed identity is not ready"}' });

    // Act
    const error = await failureOf(credentialFor(server.endpoint).getToken(SCOPE));

    // Assess
    expect(error.message).toBe(`managed identity endpoint ${server.host}: HTTP 500 after 3 attempts: unknown_error: Managed identity is not ready`);
    expect(server.requests).toHaveLength(3);
  });

  it('asks again after an HTTP 503, and returns the token of the next answer', async () => {
    // Prepare
    server = await startIdentityEndpoint({ status: 503, body: '' }, tokenAnswer());

    // Act
    const token = await credentialFor(server.endpoint).getToken(SCOPE);

    // Assess
    expect(token.token).toBe(TOKEN);
    expect(server.requests).toHaveLength(2);
  });

  it('cuts a long error answer to 200 characters', async () => {
    // Prepare
    server = await startIdentityEndpoint({ status: 400, body: `<html>${'x'.repeat(5000)}</html>` });

    // Act
    const error = await failureOf(credentialFor(server.endpoint).getToken(SCOPE));

    // Assess
    expect(error.message).toBe(`managed identity endpoint ${server.host}: HTTP 400: <html>${'x'.repeat(194)}…`);
  });

  it.each([
    ['without expires_on', JSON.stringify({ access_token: TOKEN, token_type: 'Bearer' })],
    ['with an expires_on that is no number', JSON.stringify({ access_token: TOKEN, expires_on: 'tomorrow' })],
    ['that is not JSON', `access_token=${TOKEN}`],
  ])('refuses a 200 answer %s, without quoting it (it may hold the token)', async (_, body) => {
    // Prepare
    server = await startIdentityEndpoint({ status: 200, body });

    // Act
    const error = await failureOf(credentialFor(server.endpoint).getToken(SCOPE));

    // Assess
    expect(error.message).toBe(`managed identity endpoint ${server.host}: HTTP 200 with no usable token: expected access_token and expires_on in a JSON body`);
    expect(error.message).not.toContain(TOKEN);
  });

  it('gives up as soon as the abort signal fires while the endpoint has not answered', async () => {
    // Prepare
    server = await startIdentityEndpoint(null);
    const controller = new AbortController();
    const asking = credentialFor(server.endpoint).getToken(SCOPE, { abortSignal: controller.signal });
    await vi.waitFor(() => expect(server?.requests).toHaveLength(1));

    // Act
    controller.abort();

    // Assess
    await expect(asking).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports an endpoint it cannot reach with its host and the network error, after three attempts', async () => {
    // Prepare: a port nothing listens on any more.
    server = await startIdentityEndpoint(tokenAnswer());
    const { endpoint, host } = server;
    await server.stop();
    server = undefined;

    // Act
    const error = await failureOf(credentialFor(endpoint).getToken(SCOPE));

    // Assess
    expect(error.message).toBe(`managed identity endpoint ${host}: request failed after 3 attempts: fetch failed: ECONNREFUSED`);
  });

  it('refuses more than one scope: the endpoint issues a token for one resource', async () => {
    // Act
    const asking = credentialFor('http://127.0.0.1:9/msi/token').getToken([SCOPE, 'https://vault.azure.net/.default']);

    // Assess
    await expect(asking).rejects.toThrow('managed identity: expected one scope');
  });
});
