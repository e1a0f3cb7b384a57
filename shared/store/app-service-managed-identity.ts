import { setTimeout as sleep } from 'node:timers/promises';
// Types only: @azure/core-auth is the Azure SDK's own dependency, not ours, and nothing of it is bundled from here.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** The managed identity endpoint the App Service / Functions host gives the app. */
export interface ManagedIdentityEndpoint {
  /** `IDENTITY_ENDPOINT`, e.g. `http://localhost:8081/msi/token`. */
  endpoint: string;
  /** `IDENTITY_HEADER`: a secret the endpoint expects back, so it never appears in a message. */
  header: string;
  /** `AZURE_CLIENT_ID`: the client id of a user-assigned identity; null: the system-assigned one. */
  clientId: string | null;
}

export interface ManagedIdentityRetryOptions {
  /** Requests per token, the first included (default 3). */
  maxAttempts?: number;
  /** Wait before the second request; doubled before each further one (default 200 ms). */
  retryDelayMs?: number;
}

const API_VERSION = '2019-08-01';

/**
 * Answers worth asking again, as msal-node does: the endpoint may answer 404 or 5xx for a moment
 * while the host sets the identity up, and 429 when throttled.
 */
const RETRIED_STATUSES = new Set([404, 408, 429, 500, 502, 503, 504]);

/** Enough of an error answer to act on, not a page of HTML. */
const MAX_DETAIL_CHARS = 200;

/**
 * A token of the app's managed identity from the App Service / Functions host's identity endpoint,
 * for any resource (Blob Storage, Key Vault): one HTTP GET. The full `@azure/identity` (with msal-node) would add about 360 KiB to the function
 * bundle, and a function only ever needs this one call. No cache: the Blob client keeps the token
 * and asks for a new one before it expires (shared/store/blob-authorizers.ts).
 *
 * It retries by itself, as msal-node does: the Blob client does not retry a token that fails.
 */
export class AppServiceManagedIdentityCredential implements TokenCredential {
  private readonly url: URL;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly identity: ManagedIdentityEndpoint,
    retry: ManagedIdentityRetryOptions = {},
  ) {
    this.url = new URL(identity.endpoint);
    this.maxAttempts = retry.maxAttempts ?? 3;
    this.retryDelayMs = retry.retryDelayMs ?? 200;
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    return this.getTokenForResource(resourceOf(scopes), options);
  }

  /**
   * A token for a resource named as the endpoint takes it. Key Vault wants `https://vault.azure.net`
   * exactly: a token for `https://vault.azure.net/`, which a scope maps to, is issued but refused.
   */
  async getTokenForResource(resource: string, options: GetTokenOptions = {}): Promise<AccessToken> {
    const url = new URL(this.url);
    url.searchParams.set('resource', resource);
    url.searchParams.set('api-version', API_VERSION);
    if (this.identity.clientId) url.searchParams.set('client_id', this.identity.clientId);
    const signal = abortSignalOf(options.abortSignal);

    for (let attempt = 1; ; attempt++) {
      const outcome = await this.request(url, signal);
      if ('token' in outcome) return outcome.token;
      if (!outcome.retry || attempt >= this.maxAttempts) {
        const attempts = attempt > 1 ? ` after ${attempt} attempts` : '';
        const detail = outcome.detail ? `: ${outcome.detail}` : '';
        throw new Error(`managed identity endpoint ${this.url.host}: ${outcome.problem}${attempts}${detail}`, { cause: outcome.cause });
      }
      await sleep(this.retryDelayMs * 2 ** (attempt - 1), undefined, { signal });
    }
  }

  private async request(url: URL, signal: AbortSignal | undefined): Promise<{ token: AccessToken } | { problem: string; detail?: string; retry: boolean; cause?: unknown }> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': this.identity.header }, signal });
      text = await response.text();
    } catch (error) {
      // Aborted by the caller: its own error, as the SDK expects of an abortable call.
      if (signal?.aborted) throw error;
      return { problem: 'request failed', detail: networkErrorText(error), retry: true, cause: error };
    }
    if (!response.ok) {
      const detail = errorDetail(text).replaceAll(this.identity.header, '[IDENTITY_HEADER]');
      return { problem: `HTTP ${response.status}`, detail, retry: RETRIED_STATUSES.has(response.status) };
    }
    // The body of a 200 may hold a token: it is never quoted.
    const token = accessTokenOf(text);
    if (!token) return { problem: `HTTP ${response.status} with no usable token`, detail: 'expected access_token and expires_on in a JSON body', retry: false };
    return { token };
  }
}

/** The endpoint takes a resource, not a scope: `https://storage.azure.com/.default` → `https://storage.azure.com/`. */
function resourceOf(scopes: string | string[]): string {
  const list = typeof scopes === 'string' ? [scopes] : scopes;
  if (list.length !== 1 || !list[0]) throw new Error(`managed identity: expected one scope, got ${JSON.stringify(list)}`);
  return list[0].replace(/\/\.default$/, '/');
}

function accessTokenOf(text: string): AccessToken | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { access_token: token, expires_on: expiresOn } = body as { access_token?: unknown; expires_on?: unknown };
  // Epoch seconds, as a string in App Service's answers and as a number in some others.
  const seconds = typeof expiresOn === 'string' && expiresOn.trim() !== '' ? Number(expiresOn) : expiresOn;
  if (typeof token !== 'string' || token === '' || typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
  return { token, expiresOnTimestamp: seconds * 1000 };
}

/**
 * What an error answer says: the host's `message` (`{"statusCode":400,"message":…}`) or Entra ID's
 * `error: error_description`, else the text itself; on one line and cut short.
 */
function errorDetail(text: string): string {
  let detail = text;
  try {
    const body = JSON.parse(text) as Record<string, unknown> | null;
    const error = body?.error;
    const nested = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
    const parts = [typeof error === 'string' ? error : nested.code, body?.error_description ?? body?.message ?? nested.message];
    const found = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    if (found.length > 0) detail = found.join(': ');
  } catch {
    // Not JSON: the text itself.
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail;
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause. */
export function networkErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The SDK passes an `AbortSignalLike`; fetch wants a real AbortSignal. */
function abortSignalOf(like: GetTokenOptions['abortSignal']): AbortSignal | undefined {
  if (!like || like instanceof AbortSignal) return like;
  const controller = new AbortController();
  if (like.aborted) controller.abort();
  else like.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}
