/**
 * Everything a file store holds, as an attacker with read access would search it: every file
 * (inflated when gzip), and every run of base64 in it decoded, and inflated as far as it goes
 * when it is compressed, since a cut gzip stream still gives up its first bytes.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { constants, gunzipSync, inflateSync } from 'node:zlib';

/** Runs of base64 long enough to hide a value; shorter ones are ids and words. */
const BASE64_RUN = /[A-Za-z0-9+/]{16,}={0,2}/g;

export async function storedText(root: string): Promise<string> {
  const texts: string[] = [];
  for (const file of await filesUnder(root)) {
    const bytes = await readFile(file);
    const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    texts.push(text, ...[...text.matchAll(BASE64_RUN)].map((run) => decodedRun(run[0])));
  }
  return texts.join('\n');
}

/** A base64 run's bytes as text; inflated as far as they go when they are gzip or zlib. */
function decodedRun(run: string): string {
  const bytes = Buffer.from(run, 'base64');
  const compressed = (bytes[0] === 0x1f && bytes[1] === 0x8b) || bytes[0] === 0x78;
  return (compressed ? inflatedPrefix(bytes) : bytes).toString('utf8');
}

/** What the longest inflatable prefix of compressed bytes gives: tries every length, as test payloads are small. */
function inflatedPrefix(bytes: Buffer): Buffer {
  const inflate = bytes[0] === 0x1f ? gunzipSync : inflateSync;
  let longest = Buffer.alloc(0);
  for (let length = 1; length <= bytes.length; length++) {
    try {
      longest = inflate(bytes.subarray(0, length), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      break;
    }
  }
  return longest;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(path.join(directory, entry.name)) : [path.join(directory, entry.name)])));
  return nested.flat();
}
