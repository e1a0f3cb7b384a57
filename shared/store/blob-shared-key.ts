import { createHmac } from 'node:crypto';

/** What a Shared Key signature covers of a request. */
export interface SignableRequest {
  method: string;
  /** As sent: its path percent-encoded, its query parameters encoded. */
  url: URL;
  /** The headers sent, by lower-case name. */
  headers: Readonly<Record<string, string>>;
  /** Bytes of the body; 0 without one. */
  contentLength: number;
}

/**
 * The string a Shared Key request signs (Blob service, versions 2015-02-21 and later): the verb,
 * the standard headers in their fixed order (a Content-Length of 0 as an empty line), the `x-ms-`
 * headers, then the resource.
 */
export function sharedKeyStringToSign(account: string, request: SignableRequest): string {
  const header = (name: string) => request.headers[name] ?? '';
  const fixed = [
    request.method.toUpperCase(),
    header('content-encoding'),
    header('content-language'),
    request.contentLength === 0 ? '' : String(request.contentLength),
    header('content-md5'),
    header('content-type'),
    header('date'),
    header('if-modified-since'),
    header('if-match'),
    header('if-none-match'),
    header('if-unmodified-since'),
    header('range'),
  ];
  return `${fixed.join('\n')}\n${canonicalizedHeaders(request.headers)}${canonicalizedResource(account, request.url)}`;
}

/** The `Authorization` header of `request`, signed with the account key (the key's bytes, base64-decoded). */
export function sharedKeyAuthorization(account: string, key: Buffer, request: SignableRequest): string {
  const signature = createHmac('sha256', key).update(sharedKeyStringToSign(account, request), 'utf8').digest('base64');
  return `SharedKey ${account}:${signature}`;
}

/** `name:value\n` for each `x-ms-` header, names in ascending order, runs of white space in values made one space. */
function canonicalizedHeaders(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => name.startsWith('x-ms-'))
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([name, value]) => `${name}:${value.replace(/\s+/g, ' ').trim()}\n`)
    .join('');
}

/**
 * `/ACCOUNT/ENCODED-PATH`, then `\nname:value` for each query parameter: names lower-cased and in
 * ascending order, names and values decoded, the values of a repeated name sorted and joined by commas.
 */
function canonicalizedResource(account: string, url: URL): string {
  const parameters = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const lower = name.toLowerCase();
    parameters.set(lower, [...(parameters.get(lower) ?? []), value]);
  }
  const query = [...parameters]
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([name, values]) => `\n${name}:${values.sort(byCodeUnits).join(',')}`)
    .join('');
  return `/${account}${url.pathname}${query}`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
