// Types only: TokenCredential is the interface @azure/identity's credentials implement; nothing of @azure/core-auth is bundled.
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { type SignableRequest, sharedKeyAuthorization } from './blob-shared-key.ts';

/** A request made ready to send: its URL and headers with the authorization added. */
export interface AuthorizedRequest {
  url: URL;
  headers: Record<string, string>;
  /** What it carries that must never appear in a message (a signature, a token, a SAS). */
  secrets: string[];
}

/** Authorizes one attempt of a request; called again for each attempt. */
export type BlobAuthorizer = (request: SignableRequest, signal: AbortSignal) => Promise<AuthorizedRequest>;

/** The scope of a token for Blob Storage in any cloud. */
const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/** A token this close to its expiry is renewed before use, so it cannot expire in flight. */
const TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000;

/** Shared Key: the request signed with the account key (`Authorization: SharedKey ACCOUNT:SIGNATURE`). */
export function sharedKeyAuthorizer(account: string, key: Buffer): BlobAuthorizer {
  return async (request) => {
    const authorization = sharedKeyAuthorization(account, key, request);
    return { url: request.url, headers: { ...request.headers, authorization }, secrets: [authorization.slice(authorization.lastIndexOf(':') + 1)] };
  };
}

/** A shared access signature: its parameters appended to the URL. */
export function sasAuthorizer(token: string): BlobAuthorizer {
  const parameters = new URLSearchParams(token);
  // The signature as given, decoded, and encoded as it goes into the URL.
  const signatures = parameters.getAll('sig');
  const secrets = [token, ...signatures, ...signatures.map(encodeURIComponent)];
  return async (request) => {
    const url = new URL(request.url);
    for (const [name, value] of parameters) url.searchParams.append(name, value);
    return { url, headers: { ...request.headers }, secrets };
  };
}

/**
 * An Entra ID bearer token from `credential`, kept until shortly before it expires: the host's
 * managed identity endpoint keeps no cache of its own. Requests that need a token at the same
 * time share one request for it.
 */
export function bearerAuthorizer(credential: TokenCredential, now: () => number = Date.now): BlobAuthorizer {
  let current: AccessToken | null = null;
  let pending: Promise<AccessToken> | null = null;
  const renew = (signal: AbortSignal): Promise<AccessToken> => {
    pending ??= credential
      .getToken(STORAGE_SCOPE, { abortSignal: signal })
      .then((token) => {
        if (!token) throw new Error('the credential returned no token');
        current = token;
        return token;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  return async (request, signal) => {
    const token = current && current.expiresOnTimestamp - now() > TOKEN_RENEWAL_MARGIN_MS ? current : await renew(signal);
    return { url: request.url, headers: { ...request.headers, authorization: `Bearer ${token.token}` }, secrets: [token.token] };
  };
}
