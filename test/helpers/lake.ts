import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import type { ObjectStore, StoredObject } from '../../shared/store/object-store.ts';

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

/** Keys of the objects stored under a prefix of a file store, in order. */
export async function storedKeys(url: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of new FileObjectStore(url).list(prefix)) keys.push(object.key);
  return keys;
}

/** An object store in memory with the create-if-absent rule of every real store, for tests that need no disk. */
export class MemoryObjectStore implements ObjectStore {
  readonly url = 'memory://test';
  readonly objects = new Map<string, Buffer>();

  async putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    if (this.objects.has(key)) return 'exists';
    this.objects.set(key, Buffer.from(body));
    return 'created';
  }

  async putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    return this.putIfAbsent(key, await readFile(file));
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    for (const [key, body] of this.objects) if (key.startsWith(prefix)) yield { key, size: body.length };
  }

  async get(key: string): Promise<Buffer> {
    const body = this.objects.get(key);
    if (!body) throw new Error(`no object ${key}`);
    return body;
  }
}
