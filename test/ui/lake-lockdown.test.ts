import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { confineToLake } from '../../shared/ui/lake-lockdown.ts';
import { auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';

describe('a lake confined to its directory', () => {
  let base: string;
  // Named like a view, so confining creates that view only and the others come after the lock.
  let root: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'kaudit-lockdown-'));
    root = path.join(base, 'events');
    await mkdir(root);
    const events = ['confined-1', 'confined-2'].map((auditID) => canonicalOf(sourceRecord(auditEvent({ auditID }))));
    await new LakeEventStore(new FileObjectStore(`file://${root}`)).writeEvents('file-lockdown', events);
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('still answers a statement over a view first named after the lock', async () => {
    // Prepare
    const lake = await LakeQuery.open(root);
    await confineToLake(lake, root);

    // Act
    const result = await lake.run('SELECT count(*) AS n FROM events_all').finally(() => lake.close());

    // Assess
    expect(result.rows).toEqual([{ n: 2 }]);
  });

  it('still refuses a file outside the lake after creating views', async () => {
    // Prepare
    const lake = await LakeQuery.open(root);
    await confineToLake(lake, root);
    await lake.run('SELECT count(*) FROM quarantine');

    // Act
    const outside = lake.run("SELECT * FROM read_text('/etc/hostname')").finally(() => lake.close());

    // Assess
    await expect(outside).rejects.toThrow(/Permission Error/);
  });
});
