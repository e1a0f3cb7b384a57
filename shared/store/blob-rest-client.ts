import { setTimeout as sleep } from 'node:timers/promises';
import { SETTINGS } from '../core/settings.ts';
import { networkErrorText } from './app-service-managed-identity.ts';
import type { AuthorizedRequest, BlobAuthorizer } from './blob-authorizers.ts';
import { type BlobListPage, blobServiceErrorOf, parseBlobListPage } from './blob-xml-answers.ts';
import { DEFAULT_XML_LIMITS } from './bounded-xml.ts';
import type { StoreSettings } from './store-settings.ts';

/**
 * The REST API version of every request: one Azurite 3.35 knows, and one recent enough for
 * bearer tokens (2017-11-09 and later) and for Put Blob's `If-None-Match: *`.
 */
export const BLOB_API_VERSION = '2025-11-05';

/** Answers worth asking again: the service's own busy and timeout answers, and a gateway's. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Enough of an error answer to act on, not a page of HTML. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_DETAIL_CHARS = 200;

export interface BlobRetryOptions {
  /** Wait before the second attempt, doubled before each further one, with jitter (default 200 ms). */
  retryDelayMs?: number;
  /** Longest wait between two attempts (default 5 s). */
  maxRetryDelayMs?: number;
}

/** A request that failed for good: the service's answer or the network's, after every attempt. */
export class BlobRequestError extends Error {
  constructor(
    message: string,
    /** The last answer's HTTP status; null when none came (network error, timeout, no token). */
    readonly status: number | null,
    /** The service's error code (`x-ms-error-code`, else the body's `<Code>`). */
    readonly code: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BlobRequestError';
  }
}

interface BlobRequest {
  method: 'GET' | 'PUT';
  /** The blob's name; none: the container itself. */
  blob?: string;
  query?: [string, string][];
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses that are answers for the caller to read rather than failures. */
  answers?: readonly number[];
  /** Largest body read; a longer one fails the attempt. */
  maxBodyBytes?: number;
}

interface BlobAnswer {
  status: number;
  body: Buffer;
}

/** Why an attempt failed: `problem` and `detail` make the message, with the attempts between them. */
interface Failure {
  status: number | null;
  code: string | null;
  problem: string;
  detail: string | null;
  retry: boolean;
  cause?: unknown;
}

/**
 * The few Blob service operations the store needs, over `fetch`: Put Blob, List Blobs, Get Blob,
 * on one container. Every attempt has its own timeout (KAUDIT_STORE_TIMEOUT_MS) and is authorized
 * anew; throttling, 5xx answers, dropped connections and timeouts are retried with exponential
 * backoff up to KAUDIT_STORE_MAX_ATTEMPTS attempts. Failures are BlobRequestErrors that carry the
 * status and the service's error code and message, never the authorization.
 */
export class BlobRestClient {
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(
    /** `https://ACCOUNT.blob.core.windows.net/CONTAINER`, or an emulator's `http://127.0.0.1:PORT/ACCOUNT/CONTAINER`. */
    private readonly containerUrl: string,
    private readonly authorize: BlobAuthorizer,
    private readonly settings: Pick<StoreSettings, 'maxAttempts' | 'attemptTimeoutMs'>,
    retry: BlobRetryOptions = {},
  ) {
    this.retryDelayMs = retry.retryDelayMs ?? 200;
    this.maxRetryDelayMs = retry.maxRetryDelayMs ?? 5_000;
  }

  /**
   * Put Blob of a block blob in one request, with `If-None-Match: *` so that an existing blob is
   * never replaced: the service then answers 409 (BlobAlreadyExists), or 412.
   */
  async putBlockBlobIfAbsent(blob: string, body: Uint8Array): Promise<'created' | 'exists'> {
    const { status } = await this.send({
      method: 'PUT',
      blob,
      headers: { 'x-ms-blob-type': 'BlockBlob', 'if-none-match': '*', 'content-type': 'application/octet-stream' },
      body,
      answers: [409, 412],
      maxBodyBytes: MAX_ERROR_BODY_BYTES,
    });
    return status === 409 || status === 412 ? 'exists' : 'created';
  }

  /** Put Block: one block of a blob, staged until a block list commits it. */
  async putBlock(blob: string, blockId: string, body: Uint8Array): Promise<void> {
    await this.send({
      method: 'PUT',
      blob,
      query: [
        ['comp', 'block'],
        ['blockid', blockId],
      ],
      headers: { 'content-type': 'application/octet-stream' },
      body,
      maxBodyBytes: MAX_ERROR_BODY_BYTES,
    });
  }

  /**
   * Put Block List: the staged blocks, in order, as the blob, with `If-None-Match: *` so that an
   * existing blob is never replaced (409 or 412, as for Put Blob).
   */
  async putBlockListIfAbsent(blob: string, blockIds: readonly string[]): Promise<'created' | 'exists'> {
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
    const { status } = await this.send({
      method: 'PUT',
      blob,
      query: [['comp', 'blocklist']],
      headers: { 'if-none-match': '*', 'content-type': 'application/xml' },
      body: Buffer.from(list),
      answers: [409, 412],
      maxBodyBytes: MAX_ERROR_BODY_BYTES,
    });
    return status === 409 || status === 412 ? 'exists' : 'created';
  }

  /** The blobs whose names start with `prefix`, in name order, page after page. */
  async *listBlobs(prefix: string): AsyncIterable<{ name: string; size: number }> {
    let marker: string | null = null;
    do {
      const query: [string, string][] = [
        ['restype', 'container'],
        ['comp', 'list'],
        ['prefix', prefix],
      ];
      if (marker !== null) query.push(['marker', marker]);
      const { body } = await this.send({ method: 'GET', query, maxBodyBytes: DEFAULT_XML_LIMITS.maxChars });
      let page: BlobListPage;
      try {
        page = parseBlobListPage(body.toString('utf8'));
      } catch (error) {
        throw new BlobRequestError(`HTTP 200 with a listing that does not read: ${errorText(error)}`, 200, null, { cause: error });
      }
      yield* page.blobs;
      marker = page.nextMarker;
    } while (marker !== null);
  }

  async getBlob(blob: string): Promise<Buffer> {
    return (await this.send({ method: 'GET', blob })).body;
  }

  private async send(request: BlobRequest): Promise<BlobAnswer> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request);
      if ('body' in outcome) return outcome;
      if (!outcome.retry || attempt >= this.settings.maxAttempts) {
        throw new BlobRequestError(failureText(outcome, attempt), outcome.status, outcome.code, { cause: outcome.cause });
      }
      await sleep(this.backoffMs(attempt));
    }
  }

  private async attempt(request: BlobRequest): Promise<BlobAnswer | Failure> {
    const signal = AbortSignal.timeout(this.settings.attemptTimeoutMs);
    const headers = { ...request.headers, 'x-ms-version': BLOB_API_VERSION, 'x-ms-date': new Date().toUTCString() };
    const url = this.urlOf(request);
    const contentLength = request.body?.byteLength ?? 0;
    let authorized: AuthorizedRequest;
    try {
      authorized = await this.authorize({ method: request.method, url, headers, contentLength }, signal);
    } catch (error) {
      // Not retried here: the credentials retry by themselves (the managed identity endpoint, DefaultAzureCredential).
      return { status: null, code: null, problem: 'no token for Blob Storage', detail: errorText(error), retry: false, cause: error };
    }

    let response: Response;
    let expected: boolean;
    let body: { bytes: Buffer; complete: boolean };
    try {
      response = await fetch(authorized.url, { method: request.method, headers: authorized.headers, body: request.body, signal });
      expected = response.ok || request.answers?.includes(response.status) === true;
      body = await readBody(response, expected ? (request.maxBodyBytes ?? Number.POSITIVE_INFINITY) : MAX_ERROR_BODY_BYTES);
    } catch (error) {
      if (signal.aborted) {
        return { status: null, code: null, problem: `no answer within ${SETTINGS.storeTimeoutMs} (${this.settings.attemptTimeoutMs} ms)`, detail: null, retry: true, cause: error };
      }
      return { status: null, code: null, problem: 'request failed', detail: networkErrorText(error), retry: true, cause: error };
    }
    if (expected && !body.complete) {
      return { status: response.status, code: null, problem: `HTTP ${response.status}`, detail: `answer longer than ${request.maxBodyBytes} bytes`, retry: false };
    }
    if (expected) return { status: response.status, body: body.bytes };

    // An error body cut short does not parse: the x-ms-error-code header still names the error.
    const { code: bodyCode, message } = blobServiceErrorOf(body.bytes.toString('utf8'));
    return {
      status: response.status,
      code: response.headers.get('x-ms-error-code') || bodyCode,
      problem: `HTTP ${response.status}`,
      detail: message ? scrubbed(message, authorized.secrets) : null,
      retry: RETRIED_STATUSES.has(response.status),
    };
  }

  /** The container's URL, or its blob's, with `query`; a name's path segments are percent-encoded. */
  private urlOf(request: BlobRequest): URL {
    const path = request.blob === undefined ? '' : `/${request.blob.split('/').map(encodeSegment).join('/')}`;
    const query = (request.query ?? []).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
    return new URL(`${this.containerUrl}${path}${query ? `?${query}` : ''}`);
  }

  /** Exponential from retryDelayMs, capped, with jitter so that retrying clients spread out. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }
}

/** A URL parser resolves `.` and `..` segments (encoded or not), so such a name cannot be addressed as given. */
function encodeSegment(segment: string): string {
  if (segment === '.' || segment === '..') throw new BlobRequestError(`a blob name with a "${segment}" segment cannot be addressed`, null, null);
  return encodeURIComponent(segment);
}

/** The body, or its first `maxBytes` and `complete: false` when it is longer (the rest is not read). */
async function readBody(response: Response, maxBytes: number): Promise<{ bytes: Buffer; complete: boolean }> {
  if (!response.body) return { bytes: Buffer.alloc(0), complete: true };
  if (maxBytes === Number.POSITIVE_INFINITY) return { bytes: Buffer.from(await response.arrayBuffer()), complete: true };
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of response.body) {
    chunks.push(chunk);
    length += chunk.byteLength;
    // Leaving the loop cancels the stream: the rest is never read.
    if (length > maxBytes) return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), complete: false };
  }
  return { bytes: Buffer.concat(chunks), complete: true };
}

/** `ServerBusy (HTTP 503 after 4 attempts): The server is busy.`, `request failed after 4 attempts: fetch failed: ECONNRESET`. */
function failureText(failure: Failure, attempts: number): string {
  const where = `${failure.problem}${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
  const head = failure.code ? `${failure.code} (${where})` : where;
  return failure.detail ? `${head}: ${failure.detail}` : head;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first line of a service message, without what the request carried, cut short. */
function scrubbed(message: string, secrets: readonly string[]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it replaces
  let line = (message.split('\n')[0] ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  for (const secret of secrets) if (secret) line = line.replaceAll(secret, '[REDACTED]');
  return line.length > MAX_DETAIL_CHARS ? `${line.slice(0, MAX_DETAIL_CHARS)}…` : line;
}
