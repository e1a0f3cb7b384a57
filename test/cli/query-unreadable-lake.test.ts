import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { runKaudit } from '../helpers/cli.ts';
import { compact, eventsAt, storeBatch } from '../helpers/compaction.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('kaudit query over a lake holding an unreadable object', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('exits 3, naming the store, when a compacted Parquet object cannot be read', async () => {
    // Prepare
    const store = new FileObjectStore(lake.url);
    await storeBatch(store, 'batch-1', eventsAt('unreadable', ['2026-11-20T14:00:01.000000Z', '2026-11-20T14:00:02.000000Z']));
    await compact(store, lake.root);
    const hour = path.join(lake.root, 'compacted/v1/dt=2026-11-20/hour=14');
    const parquet = (await readdir(hour)).filter((name) => name.endsWith('.parquet'));
    for (const name of parquet) await writeFile(path.join(hour, name), 'not parquet at all');

    // Act
    const run = await runKaudit(['query', '--store', lake.url, 'SELECT count(*) AS n FROM events'], { cwd: lake.root });

    // Assess
    expect(parquet.length).toBeGreaterThan(0);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain(`kaudit: cannot read the lake of ${lake.url}: `);
    expect(run.stderr).toContain(parquet[0]);
  });
});
