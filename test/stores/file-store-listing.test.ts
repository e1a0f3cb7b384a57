import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import type { StoredObject } from '../../shared/store/object-store.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

/** `count` objects over `hours` hour partitions, object i holding i + 1 bytes. */
async function storeObjects(store: FileObjectStore, count: number, hours: number): Promise<StoredObject[]> {
  const written: StoredObject[] = [];
  for (let index = 0; index < count; index++) {
    const hour = String(index % hours).padStart(2, '0');
    const key = `events/v1/dt=2026-11-20/hour=${hour}/batch-${String(index).padStart(4, '0')}.ndjson.gz`;
    await store.putIfAbsent(key, Buffer.alloc(index + 1));
    written.push({ key, size: index + 1 });
  }
  return written.sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe('file store listing', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('lists every object of many hour partitions, with its size, in key order', async () => {
    // Prepare
    const store = new FileObjectStore(lake.url);
    const written = await storeObjects(store, 700, 24);

    // Act
    const listed: StoredObject[] = [];
    for await (const object of store.list('events/')) listed.push(object);

    // Assess
    expect(listed).toEqual(written);
  });
});
