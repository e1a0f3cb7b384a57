/**
 * The Blob REST client against a stub of the service on loopback: what it sends, which answers it
 * retries and which it does not, its per-attempt timeout, and errors that name the service's
 * answer but never the request's signature or token. Azurite checks the signatures themselves
 * (object-store.behaviour.test.ts).
 */
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlobAuthorizer, bearerAuthorizer, sasAuthorizer, sharedKeyAuthorizer } from '../../shared/store/blob-authorizers.ts';
import { BlobObjectStore } from '../../shared/store/blob-object-store.ts';
import { BLOB_API_VERSION, BlobRequestError, BlobRestClient } from '../../shared/store/blob-rest-client.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { type StubAnswer, type StubRequest, type StubServer, startStubServer } from '../helpers/stub-server.ts';

const ACCOUNT = 'devstoreaccount1';
const KEY = Buffer.from('kaudit test key: not any account key');
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.blob-token';
const NAME = 'prod/events/v1/dt=2026-11-20/hour=14/batch-1.ndjson.gz';
const BODY = Buffer.from('{"event_id":"e1"}\n');

const serviceError = (status: number, code: string, message: string): StubAnswer => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
  body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${xmlText(message)}\nRequestId:5b1e\nTime:2026-11-20T14:00:00.0000000Z</Message></Error>`,
});

function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
const CREATED: StubAnswer = { status: 201, body: '' };
const BUSY = serviceError(503, 'ServerBusy', 'The server is busy.');

/** Answers each request with the next of `answers`, the last one repeating; null: no answer at all. */
function inTurn(...answers: (StubAnswer | null)[]): (request: StubRequest) => StubAnswer | null {
  let next = 0;
  return () => answers[Math.min(next++, answers.length - 1)] ?? null;
}

/** A credential that counts the tokens asked of it, each valid for `lifetimeMs` from `now()`. */
function countingCredential(now: () => number, lifetimeMs = 3_600_000): TokenCredential & { asked: number } {
  return {
    asked: 0,
    async getToken(): Promise<AccessToken> {
      this.asked++;
      return { token: TOKEN, expiresOnTimestamp: now() + lifetimeMs };
    },
  };
}

async function failureOf(asking: Promise<unknown>): Promise<BlobRequestError> {
  const outcome = await asking.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof BlobRequestError)) throw new Error(`expected a BlobRequestError, got ${String(outcome)}`);
  return outcome;
}

describe('BlobRestClient', () => {
  let stub: StubServer | undefined;
  afterEach(async () => {
    await stub?.stop();
    stub = undefined;
  });

  /** A client of container `kaudit` on the stub: three attempts of 500 ms each (unless told), retried at once. */
  async function clientAnswering(
    answer: (request: StubRequest) => StubAnswer | null,
    authorizer: BlobAuthorizer = sharedKeyAuthorizer(ACCOUNT, KEY),
    attemptTimeoutMs = 500,
  ): Promise<BlobRestClient> {
    stub = await startStubServer(answer);
    return new BlobRestClient(`${stub.endpoint}/${ACCOUNT}/kaudit`, authorizer, { maxAttempts: 3, attemptTimeoutMs }, { retryDelayMs: 1 });
  }
  const requests = () => stub?.requests ?? [];

  it('puts a block blob at its encoded name, never over an existing one, with the API version, the date and a Shared Key signature', async () => {
    // Prepare
    const client = await clientAnswering(() => CREATED);

    // Act
    const outcome = await client.putBlockBlobIfAbsent(NAME, BODY);

    // Assess
    expect(outcome).toBe('created');
    const [request] = requests();
    expect(request?.method).toBe('PUT');
    expect(request?.url.pathname).toBe(`/${ACCOUNT}/kaudit/prod/events/v1/dt%3D2026-11-20/hour%3D14/batch-1.ndjson.gz`);
    expect(request?.headers).toMatchObject({
      'x-ms-version': BLOB_API_VERSION,
      'x-ms-blob-type': 'BlockBlob',
      'if-none-match': '*',
      'content-length': String(BODY.length),
    });
    expect(Date.parse(String(request?.headers['x-ms-date']))).not.toBeNaN();
    expect(request?.headers.authorization).toMatch(/^SharedKey devstoreaccount1:[A-Za-z0-9+/]{43}=$/);
  });

  it.each([
    ['409 BlobAlreadyExists', serviceError(409, 'BlobAlreadyExists', 'The specified blob already exists.')],
    ['412 ConditionNotMet', serviceError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.')],
  ])('counts a put answered %s as a blob that already exists, asking once', async (_, answer) => {
    // Prepare
    const client = await clientAnswering(() => answer);

    // Act
    const outcome = await client.putBlockBlobIfAbsent(NAME, BODY);

    // Assess
    expect(outcome).toBe('exists');
    expect(requests()).toHaveLength(1);
  });

  it('retries answers of 503 and 500, and stores the blob once one goes through', async () => {
    // Prepare
    const client = await clientAnswering(inTurn(BUSY, serviceError(500, 'InternalError', 'Server encountered an internal error.'), CREATED));

    // Act
    const outcome = await client.putBlockBlobIfAbsent(NAME, BODY);

    // Assess
    expect(outcome).toBe('created');
    expect(requests()).toHaveLength(3);
  });

  it('fails after the configured attempts with the service’s error code, the status and the first line of its message', async () => {
    // Prepare
    const client = await clientAnswering(() => BUSY);

    // Act
    const error = await failureOf(client.putBlockBlobIfAbsent(NAME, BODY));

    // Assess
    expect(error.message).toBe('ServerBusy (HTTP 503 after 3 attempts): The server is busy.');
    expect({ status: error.status, code: error.code }).toEqual({ status: 503, code: 'ServerBusy' });
    expect(requests()).toHaveLength(3);
  });

  it('takes the error code from the body when the x-ms-error-code header is missing', async () => {
    // Prepare: as a proxy in front of the service may answer.
    const client = await clientAnswering(() => ({ ...serviceError(404, 'ContainerNotFound', 'The specified container does not exist.'), headers: {} }));

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    expect(error.message).toBe('ContainerNotFound (HTTP 404): The specified container does not exist.');
  });

  it('reads no more of a long error answer than it needs, naming the error by its header', async () => {
    // Prepare
    const client = await clientAnswering(() => ({ status: 503, headers: { 'x-ms-error-code': 'ServerBusy' }, body: `<html>${'x'.repeat(1_000_000)}</html>` }));

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    expect(error.message).toBe('ServerBusy (HTTP 503 after 3 attempts)');
  });

  it('does not retry an answer that asking again would not change', async () => {
    // Prepare
    const client = await clientAnswering(() =>
      serviceError(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.'),
    );

    // Act
    const error = await failureOf(client.putBlockBlobIfAbsent(NAME, BODY));

    // Assess
    expect(error.message).toBe('AuthorizationPermissionMismatch (HTTP 403): This request is not authorized to perform this operation using this permission.');
    expect(requests()).toHaveLength(1);
  });

  it('gives up on an attempt that gets no answer within its timeout, and tries again', async () => {
    // Prepare
    const client = await clientAnswering(inTurn(null, CREATED));

    // Act
    const outcome = await client.putBlockBlobIfAbsent(NAME, BODY);

    // Assess
    expect(outcome).toBe('created');
    expect(requests()).toHaveLength(2);
  });

  it('fails naming the timeout setting when no attempt is answered', async () => {
    // Prepare
    const client = await clientAnswering(() => null);

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    expect(error.message).toBe('no answer within KAUDIT_STORE_TIMEOUT_MS (500 ms) after 3 attempts');
    expect(error.status).toBeNull();
    expect(requests()).toHaveLength(3);
  });

  it('keeps the Shared Key signature out of an error, even when the service quotes it', async () => {
    // Prepare
    const client = await clientAnswering((request) =>
      serviceError(
        403,
        'AuthenticationFailed',
        `The MAC signature found in the HTTP request '${String(request.headers.authorization)}' is not the same as any computed signature.`,
      ),
    );

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    const signature = String(requests()[0]?.headers.authorization).split(':')[1] as string;
    expect(error.message).toBe(
      "AuthenticationFailed (HTTP 403): The MAC signature found in the HTTP request 'SharedKey devstoreaccount1:[REDACTED]' is not the same as any computed signature.",
    );
    expect(error.message).not.toContain(signature);
  });

  it('keeps the bearer token out of an error, even when the service quotes it', async () => {
    // Prepare
    const client = await clientAnswering(
      (request) => serviceError(401, 'InvalidAuthenticationInfo', `Token ${String(request.headers.authorization)} is expired.`),
      bearerAuthorizer(countingCredential(Date.now)),
    );

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    expect(error.message).toBe('InvalidAuthenticationInfo (HTTP 401): Token Bearer [REDACTED] is expired.');
    expect(error.message).not.toContain(TOKEN);
  });

  it('adds a SAS to every request instead of an Authorization header, and keeps its signature out of an error', async () => {
    // Prepare
    const sas = 'sv=2025-11-05&ss=b&srt=co&sp=rwl&se=2026-12-01T00%3A00%3A00Z&sig=c2lnbmF0dXJlL3dpdGgrc2xhc2g%3D';
    const client = await clientAnswering(
      (request) => serviceError(403, 'AuthenticationFailed', `Signature did not match: ${/sig=[^&]*/.exec(request.url.search)?.[0]}`),
      sasAuthorizer(sas),
    );

    // Act
    const error = await failureOf(client.getBlob(NAME));

    // Assess
    const [request] = requests();
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      sv: '2025-11-05',
      ss: 'b',
      srt: 'co',
      sp: 'rwl',
      se: '2026-12-01T00:00:00Z',
      sig: 'c2lnbmF0dXJlL3dpdGgrc2xhc2g=',
    });
    expect(error.message).toBe('AuthenticationFailed (HTTP 403): Signature did not match: sig=[REDACTED]');
  });

  it('asks the credential for a token once while it is fresh, and again when it nears its expiry', async () => {
    // Prepare
    let now = Date.parse('2026-11-20T14:00:00Z');
    const credential = countingCredential(() => now, 60 * 60_000);
    const client = await clientAnswering(
      () => CREATED,
      bearerAuthorizer(credential, () => now),
    );

    // Act
    await client.putBlockBlobIfAbsent(NAME, BODY);
    await client.putBlockBlobIfAbsent(NAME, BODY);
    const askedWhileFresh = credential.asked;
    now += 58 * 60_000;
    await client.putBlockBlobIfAbsent(NAME, BODY);

    // Assess
    expect(askedWhileFresh).toBe(1);
    expect(credential.asked).toBe(2);
    expect(requests().map((request) => request.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TOKEN}`));
  });

  it('sends nothing when the credential has no token to give, and says so', async () => {
    // Prepare
    const credential: TokenCredential = {
      getToken: () => Promise.reject(new Error('managed identity endpoint 127.0.0.1:9: HTTP 400: Unable to load the proper Managed Identity.')),
    };
    const client = await clientAnswering(() => CREATED, bearerAuthorizer(credential));

    // Act
    const error = await failureOf(client.putBlockBlobIfAbsent(NAME, BODY));

    // Assess
    expect(error.message).toBe('no token for Blob Storage: managed identity endpoint 127.0.0.1:9: HTTP 400: Unable to load the proper Managed Identity.');
    expect(requests()).toHaveLength(0);
  });

  it('lists page after page, asking for each page from the marker the one before ended with', async () => {
    // Prepare
    const page = (names: string[], next: string) =>
      `<EnumerationResults><Blobs>${names.map((name) => `<Blob><Name>${name}</Name><Properties><Content-Length>3</Content-Length></Properties></Blob>`).join('')}</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`;
    const client = await clientAnswering((request) => ({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: request.url.searchParams.get('marker') === '2!a&b' ? page(['p/c'], '') : page(['p/a', 'p/b'], '2!a&amp;b'),
    }));

    // Act
    const listed: { name: string; size: number }[] = [];
    for await (const blob of client.listBlobs('p/')) listed.push(blob);

    // Assess
    expect(listed.map((blob) => blob.name)).toEqual(['p/a', 'p/b', 'p/c']);
    expect(requests().map((request) => Object.fromEntries(request.url.searchParams))).toEqual([
      { restype: 'container', comp: 'list', prefix: 'p/' },
      { restype: 'container', comp: 'list', prefix: 'p/', marker: '2!a&b' },
    ]);
  });

  it('fails a listing it cannot read without asking again', async () => {
    // Prepare
    const client = await clientAnswering(() => ({ status: 200, body: '<!DOCTYPE x [<!ENTITY a "b">]><EnumerationResults>&a;</EnumerationResults>' }));

    // Act
    const listing = (async () => {
      for await (const blob of client.listBlobs('p/')) void blob;
    })();
    const error = await failureOf(listing);

    // Assess
    expect(error.message).toBe('HTTP 200 with a listing that does not read: a document type declaration is not accepted at character 0');
    expect(requests()).toHaveLength(1);
  });

  it('refuses a listing longer than 16 MiB without asking again', async () => {
    // Prepare
    // Sending 16 MiB on a loaded machine can take longer than the usual half second: a timeout there would be retried and prove nothing.
    const client = await clientAnswering(() => ({ status: 200, body: `<EnumerationResults>${' '.repeat(16 * 1024 * 1024)}</EnumerationResults>` }), undefined, 30_000);

    // Act
    const listing = (async () => {
      for await (const blob of client.listBlobs('p/')) void blob;
    })();
    const error = await failureOf(listing);

    // Assess
    expect(error.message).toBe('HTTP 200: answer longer than 16777216 bytes');
    expect(requests()).toHaveLength(1);
  });

  it('refuses a name with a ".." segment rather than let URL parsing address another blob', async () => {
    // Prepare
    const client = await clientAnswering(() => CREATED);

    // Act
    const error = await failureOf(client.getBlob('prod/../other/a.gz'));

    // Assess
    expect(error.message).toBe('a blob name with a ".." segment cannot be addressed');
    expect(requests()).toHaveLength(0);
  });
});

describe('BlobObjectStore over a service whose listing strays', () => {
  let stub: StubServer | undefined;
  afterEach(() => stub?.stop());

  it('fails a listing that names a blob outside the prefix asked for, rather than make a key of it', async () => {
    // Prepare
    const strayed =
      '<EnumerationResults><Blobs><Blob><Name>other/events/v1/x.ndjson.gz</Name><Properties><Content-Length>1</Content-Length></Properties></Blob></Blobs></EnumerationResults>';
    stub = await startStubServer(() => ({ status: 200, body: strayed }));
    const client = new BlobRestClient(`${stub.endpoint}/${ACCOUNT}/kaudit`, sharedKeyAuthorizer(ACCOUNT, KEY), { maxAttempts: 1, attemptTimeoutMs: 1_000 });
    const store = new BlobObjectStore({ url: 'azblob://devstoreaccount1/kaudit/prod', endpoint: stub.endpoint, account: ACCOUNT, container: 'kaudit', prefix: 'prod/' }, client);

    // Act
    const listing = (async () => {
      for await (const object of store.list('events/v1/')) void object;
    })();
    const error = await listing.catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe('azblob://devstoreaccount1/kaudit/prod: cannot list events/v1/: the listing holds a blob outside the prefix asked for');
  });
});
