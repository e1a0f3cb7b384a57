/**
 * The file store keeps every object inside its directory by where the path really leads, links
 * followed, not by how the key reads: a directory inside the lake that is a symbolic link out of it
 * is refused, and nothing is written, read or listed through it.
 */
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { type StoredObject, StoreError } from '../../shared/store/object-store.ts';

const KEY = 'events/v1/dt=2026-11-20/hour=14/cwl-0f1e2d3c4b5a6978.ndjson.gz';

describe('file store confinement', () => {
  let scratch: string;
  /** The store's directory, inside `scratch`. */
  let root: string;
  /** A directory beside the store that it must never write to or read from. */
  let outside: string;
  beforeEach(async () => {
    // Real, so that the paths in messages compare equal where the temporary directory is a link (macOS).
    scratch = await realpath(await mkdtemp(path.join(tmpdir(), 'kaudit-confinement-')));
    root = path.join(scratch, 'lake');
    outside = path.join(scratch, 'elsewhere');
    await mkdir(root);
    await mkdir(outside);
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  const store = () => new FileObjectStore(`file://${root}`);

  it('refuses a write through a linked events/ directory that leads out of the store, and writes nothing there', async () => {
    // Prepare
    await symlink(outside, path.join(root, 'events'));

    // Act
    const error = await store()
      .putIfAbsent(KEY, Buffer.from('audit rows'))
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: KEY });
    expect((error as Error).message).toContain(`cannot write ${path.join(root, KEY)}: `);
    expect((error as Error).message).toContain(`${path.join(root, 'events')} leads to ${outside}, outside the store directory ${root}`);
    expect(await filesUnder(outside)).toEqual([]);
  });

  it('refuses a write through a linked partition directory deeper in the key', async () => {
    // Prepare
    await mkdir(path.join(root, 'events/v1'), { recursive: true });
    await symlink(outside, path.join(root, 'events/v1/dt=2026-11-20'));

    // Act
    const write = store().putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    await expect(write).rejects.toThrow(`${path.join(root, 'events/v1/dt=2026-11-20')} leads to ${outside}, outside the store directory`);
    expect(await filesUnder(outside)).toEqual([]);
  });

  it('writes through a link that stays inside the store directory', async () => {
    // Prepare
    await mkdir(path.join(root, 'partitions'));
    await symlink(path.join(root, 'partitions'), path.join(root, 'events'));

    // Act
    const outcome = await store().putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    expect(outcome).toBe('created');
    expect((await store().get(KEY)).toString()).toBe('audit rows');
  });

  it('works in a store directory that is itself reached through a link', async () => {
    // Prepare
    const linkedRoot = path.join(scratch, 'lake-link');
    await symlink(root, linkedRoot);
    const linked = new FileObjectStore(`file://${linkedRoot}`);

    // Act
    const outcome = await linked.putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    expect(outcome).toBe('created');
    expect(await listAll(linked, 'events/')).toEqual([{ key: KEY, size: 10 }]);
    expect(await filesUnder(root)).toEqual([KEY]);
  });

  it('creates the store directory again when it was removed between two writes', async () => {
    // Prepare
    const lake = store();
    await lake.putIfAbsent(KEY, Buffer.from('first'));
    await rm(root, { recursive: true });

    // Act
    const outcome = await lake.putIfAbsent(KEY, Buffer.from('second'));

    // Assess
    expect(outcome).toBe('created');
    expect((await lake.get(KEY)).toString()).toBe('second');
  });

  it('refuses to read an object through a link that leads out of the store', async () => {
    // Prepare
    await mkdir(path.join(outside, 'v1/dt=2026-11-20/hour=14'), { recursive: true });
    await writeFile(path.join(outside, 'v1/dt=2026-11-20/hour=14/cwl-0f1e2d3c4b5a6978.ndjson.gz'), 'not the lake’s');
    await symlink(outside, path.join(root, 'events'));

    // Act
    const error = await store()
      .get(KEY)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: KEY });
    expect((error as Error).message).toContain(`cannot read ${path.join(root, KEY)}: `);
    expect((error as Error).message).toContain('outside the store directory');
  });

  it('refuses to list under a prefix whose directory leads out of the store', async () => {
    // Prepare
    await writeFile(path.join(outside, 'secret.ndjson.gz'), 'not the lake’s');
    await symlink(outside, path.join(root, 'events'));

    // Act
    const error = await listAll(store(), 'events/').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ key: 'events/' });
    expect((error as Error).message).toContain('outside the store directory');
  });

  it('skips a linked directory met while listing from the root', async () => {
    // Prepare
    await writeFile(path.join(outside, 'secret.ndjson.gz'), 'not the lake’s');
    await symlink(outside, path.join(root, 'events'));
    await store().putIfAbsent('quarantine/v1/dt=2026-11-20/hour=14/q.ndjson.gz', Buffer.from('q'));

    // Act
    const listed = await listAll(store(), '');

    // Assess
    expect(listed).toEqual([{ key: 'quarantine/v1/dt=2026-11-20/hour=14/q.ndjson.gz', size: 1 }]);
  });
});

/** Every file under a directory, as paths relative to it, links not followed. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function listAll(store: FileObjectStore, prefix: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  for await (const object of store.list(prefix)) objects.push(object);
  return objects;
}
