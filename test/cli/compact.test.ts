import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { runKaudit } from '../helpers/cli.ts';
import { eventsAt, storeBatch } from '../helpers/compaction.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('kaudit compact', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const kaudit = (...args: string[]) => runKaudit([...args, '--store', storeUrl], { cwd: lake.root });
  const kauditWith = (env: Record<string, string>, ...args: string[]) => runKaudit([...args, '--store', storeUrl], { cwd: lake.root, env });

  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
    await storeBatch(new FileObjectStore(storeUrl), 'batch-a', eventsAt('a', ['2026-11-20T09:10:00Z', '2026-11-20T10:10:00Z']));
  });
  afterEach(() => lake.cleanup());

  it('prints a JSON summary of the hours it compacted, then finds them up to date', async () => {
    // Act
    const first = await kaudit('compact', '--json');
    const second = await kaudit('compact', '--json');

    // Assess
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      closedHours: 2,
      events: 2,
      compacted: [
        { dt: '2026-11-20', hour: '09' },
        { dt: '2026-11-20', hour: '10' },
      ],
    });
    expect(JSON.parse(second.stdout)).toMatchObject({ closedHours: 2, compacted: [], events: 0 });
  });

  it('compacts only the hours ending by --before', async () => {
    // Act
    const run = await kaudit('compact', '--json', '--before', '2026-11-20T10:00:00Z');

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ compacted: [{ hour: '09' }] });
    expect(JSON.parse(run.stdout).compacted).toHaveLength(1);
  });

  it('answers a --before that is not a time with exit 2', async () => {
    // Act
    const run = await kaudit('compact', '--before', 'yesterday-ish');

    // Assess
    expect(run).toMatchObject({ exitCode: 2, stdout: '' });
    expect(run.stderr).toMatch(/--before: "yesterday-ish" is not a time/);
  });

  it('takes the grace period from KAUDIT_COMPACT_GRACE: an hour younger than it is not closed yet', async () => {
    // Act: a grace reaching back to 10:30 that day closes the hour ending at 10:00, not the one ending at 11:00.
    const grace = Math.round((Date.now() - Date.parse('2026-11-20T10:30:00Z')) / 60_000);
    const run = await kauditWith({ KAUDIT_COMPACT_GRACE: `${grace}m` }, 'compact', '--json');

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ closedHours: 1, compacted: [{ hour: '09' }] });
  });

  it('answers a KAUDIT_COMPACT_GRACE that is no duration with exit 2, naming the setting', async () => {
    // Act
    const run = await kauditWith({ KAUDIT_COMPACT_GRACE: 'an hour' }, 'compact');

    // Assess
    expect(run).toMatchObject({ exitCode: 2, stdout: '' });
    expect(run.stderr).toContain('KAUDIT_COMPACT_GRACE: expected a duration such as 90m, 2h or 1d, got "an hour"');
  });

  it('answers a store it cannot read with exit 3', async () => {
    // Prepare: the store's directory is a file.
    storeUrl = `file://${path.join(lake.root, 'not-a-directory')}`;
    await writeFile(path.join(lake.root, 'not-a-directory'), 'x');

    // Act
    const run = await kaudit('compact');

    // Assess
    expect(run).toMatchObject({ exitCode: 3, stdout: '' });
    expect(run.stderr).toMatch(/cannot list/);
  });
});
