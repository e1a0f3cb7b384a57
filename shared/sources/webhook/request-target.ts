/**
 * The path of an HTTP request target, for any text a client may send: origin form (`/audit?x`),
 * absolute form (`http://host/audit`), authority form (`host:443`) or `*`. Total: it never
 * throws, unlike `new URL`, which refuses targets such as `//[` or `http://a:99999/` that the
 * HTTP parser lets through. The query and fragment are dropped; a target without a path is `/`.
 * Bytes outside printable ASCII are percent-encoded, so the path is safe to log and to store.
 */
export function requestPath(target: string): string {
  const path = target.startsWith('/') ? target : (ABSOLUTE_FORM.exec(target)?.[1] ?? '');
  const end = path.search(/[?#]/);
  const bare = end === -1 ? path : path.slice(0, end);
  return bare === '' ? '/' : bare.replace(/[^\x21-\x7e]/gu, percentEncoded);
}

/** UTF-8 percent-encoding that, unlike `encodeURIComponent`, accepts a lone surrogate (as U+FFFD). */
function percentEncoded(character: string): string {
  return [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** `scheme://authority` and what follows the authority, if it is a path. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/.*)?$/is;
