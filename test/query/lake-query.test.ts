import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('lake query', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  it('stays queryable when events from hostile input are stored beside good ones', async () => {
    // Prepare
    const events = [
      auditEvent({ auditID: 'good' }),
      auditEvent({ auditID: 'lone-surrogate', user: { username: 'mallory\ud800' }, requestObject: { 'key\udfff': 'value\udbff' } }),
      auditEvent({ auditID: 'huge-code', responseStatus: { code: 1e20 } }),
      auditEvent({ auditID: 'nul', userAgent: 'curl\u0000/8.5.0', annotations: { '': 'empty key' } }),
    ].map((event) => canonicalOf(sourceRecord(event)));
    await new LakeEventStore(new FileObjectStore(lake.url)).writeEvents('file-hostile', events);
    const query = await LakeQuery.open(lake.root);

    // Act
    const result = await query.run('SELECT audit_id, user_name, response_code FROM events ORDER BY audit_id').finally(() => query.close());

    // Assess
    expect(result.rows).toEqual([
      { audit_id: 'good', user_name: 'alice@example.com', response_code: 200 },
      { audit_id: 'huge-code', user_name: 'alice@example.com', response_code: null },
      { audit_id: 'lone-surrogate', user_name: 'mallory\ufffd', response_code: 200 },
      { audit_id: 'nul', user_name: 'alice@example.com', response_code: 200 },
    ]);
  });

  it('reads a lake whose directory name holds a space and a percent sign', async () => {
    // Prepare
    const root = path.join(lake.root, 'audit 100%25 lake');
    const event = canonicalOf(sourceRecord(auditEvent({ auditID: 'odd-directory' })));
    await new LakeEventStore(new FileObjectStore(`file://${encodeURI(root)}`)).writeEvents('file-odd', [event]);
    const query = await LakeQuery.open(root);

    // Act
    const result = await query.run('SELECT audit_id FROM events').finally(() => query.close());

    // Assess
    expect(result.rows).toEqual([{ audit_id: 'odd-directory' }]);
  });

  describe('views', () => {
    const ALL_VIEWS = ['events', 'events_all', 'events_ocsf', 'findings', 'findings_all', 'quarantine'];
    const storedLake = async (auditIds: string[]) => {
      const events = auditIds.map((auditID) => canonicalOf(sourceRecord(auditEvent({ auditID }))));
      await new LakeEventStore(new FileObjectStore(lake.url)).writeEvents('file-views', events);
      return LakeQuery.open(lake.root);
    };

    it('answers a statement over a view that reads another view, neither named before', async () => {
      // Prepare
      const query = await storedLake(['ocsf-first']);

      // Act
      const result = await query.run('SELECT count(*) AS n FROM events_ocsf').finally(() => query.close());

      // Assess
      expect(result.rows).toEqual([{ n: 1 }]);
    });

    it('answers statements asked at once over the same views', async () => {
      // Prepare
      const query = await storedLake(['together-1', 'together-2']);

      // Act
      const results = await Promise.all([
        query.run('SELECT count(*) AS n FROM events'),
        query.run('SELECT count(*) AS n FROM events_all'),
        query.run('SELECT count(*) AS n FROM findings'),
        query.run('SELECT count(*) AS n FROM events'),
      ]).finally(() => query.close());

      // Assess
      expect(results.map((result) => result.rows[0]?.n)).toEqual([2, 2, 0, 2]);
    });

    it('shows every view to a statement that reads the catalog', async () => {
      // Prepare
      const query = await storedLake(['catalog']);

      // Act
      const tables = await query.run('SHOW TABLES').finally(() => query.close());

      // Assess
      expect(tables.rows.map((row) => row.name).sort()).toEqual(ALL_VIEWS);
    });

    it('shows every view to a catalog query that also names one', async () => {
      // Prepare
      const query = await storedLake(['catalog-named']);

      // Act
      const views = await query.run("SELECT view_name FROM duckdb_views() WHERE NOT internal AND view_name <> 'events_x' ORDER BY 1").finally(() => query.close());

      // Assess
      expect(views.rows.map((row) => row.view_name)).toEqual(ALL_VIEWS);
    });
  });
});
