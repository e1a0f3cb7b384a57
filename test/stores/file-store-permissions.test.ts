/**
 * Audit events are sensitive: the file store makes what it writes readable by its own user only,
 * whatever the process's umask, unless the lake's directory is set up as a shared-group directory.
 */
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';

const KEY = 'events/v1/dt=2026-11-20/hour=14/cwl-0f1e2d3c4b5a6978.ndjson.gz';
const PARTITION_DIRECTORIES = ['events', 'events/v1', 'events/v1/dt=2026-11-20', 'events/v1/dt=2026-11-20/hour=14'];

describe('file store permissions', () => {
  let scratch: string;
  let previousUmask: number;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'kaudit-permissions-'));
    // The most permissive umask: whatever is not world-readable was made so by the store.
    previousUmask = process.umask(0o000);
  });
  afterEach(async () => {
    process.umask(previousUmask);
    await rm(scratch, { recursive: true, force: true });
  });

  it('creates the store directory 0700, every partition directory 0700 and every object 0600', async () => {
    // Prepare
    const root = path.join(scratch, 'lake');

    // Act
    await new FileObjectStore(`file://${root}`).putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    expect(await modeOf(root)).toBe(0o700);
    for (const directory of PARTITION_DIRECTORIES) expect({ directory, mode: await modeOf(path.join(root, directory)) }).toEqual({ directory, mode: 0o700 });
    expect(await modeOf(path.join(root, KEY))).toBe(0o600);
  });

  it('leaves no group or world access on objects written into an existing world-readable directory', async () => {
    // Prepare
    const root = await mkdtemp(path.join(scratch, 'lake-'));
    await chmod(root, 0o755);

    // Act
    await new FileObjectStore(`file://${root}`).putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    expect(await modeOf(path.join(root, 'events'))).toBe(0o700);
    expect(await modeOf(path.join(root, KEY))).toBe(0o600);
  });

  it('lets the group read, never write, when the store directory is a group-readable setgid directory', async () => {
    // Prepare
    const root = await mkdtemp(path.join(scratch, 'lake-'));
    await chmod(root, 0o2750);

    // Act
    await new FileObjectStore(`file://${root}`).putIfAbsent(KEY, Buffer.from('audit rows'));

    // Assess
    for (const directory of PARTITION_DIRECTORIES) expect({ directory, mode: await modeOf(path.join(root, directory)) }).toEqual({ directory, mode: 0o2750 });
    expect(await modeOf(path.join(root, KEY))).toBe(0o640);
  });
});

/** Permission bits, setgid included, without the file type. */
async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o7777;
}
