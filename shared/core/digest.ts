import * as crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import { safeText } from './json-text.ts';

/**
 * The digests taken once or twice per event (raw_sha256, the event id's SHA-1). crypto.hash
 * (Node 20.12+, 21.7+) digests in one call without building a Hash object, which at an audit
 * event's size is a third of the cost; earlier Node 20 releases build the object.
 */
const hashOnce = typeof crypto.hash === 'function' ? crypto.hash : null;

/** SHA-256 of the UTF-8 text, as lower-case hex. */
export function sha256Hex(text: string): string {
  return hashOnce ? hashOnce('sha256', text) : crypto.createHash('sha256').update(text).digest('hex');
}

/** SHA-1 of the bytes. */
export function sha1Bytes(data: Buffer): Buffer {
  return hashOnce ? hashOnce('sha1', data, 'buffer') : crypto.createHash('sha1').update(data).digest();
}

/** SHA-256 of the bytes, as bytes. */
export function sha256Bytes(data: string | Buffer): Buffer {
  return hashOnce ? hashOnce('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}

/** SHA-256 of a local file, as bytes, read as a stream: the file is never held whole. */
export async function sha256File(file: string): Promise<Buffer> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest();
}

/** A short, stable, file-name-safe digest of untrusted values, for batch keys. */
export function shortHash(...parts: unknown[]): string {
  // Parts may be untrusted values of any type and depth: Array.prototype.join would recurse into them.
  const texts = parts.map((part) => (part === null ? '' : (safeText(part) ?? '')));
  return sha256Hex(texts.join('\u001f')).slice(0, 32);
}
