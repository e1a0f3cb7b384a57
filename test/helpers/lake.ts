import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';

/** A fresh file:// store in a temporary directory, removed by `cleanup`. */
export async function temporaryFileStore(): Promise<{ url: string; root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'kaudit-test-'));
  return { url: `file://${root}`, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Every row stored under a prefix (`events/v1/`, `quarantine/v1/`) of a file store. */
export async function readRows(url: string, prefix: string): Promise<Record<string, unknown>[]> {
  const store = new FileObjectStore(url);
  const rows: Record<string, unknown>[] = [];
  for await (const object of store.list(prefix)) {
    const text = gunzipSync(await readFile(path.join(store.localRoot, object.key))).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows;
}
