import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchDeduper } from '../../shared/dedupe/batch-deduper.ts';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import type { Provenance } from '../../shared/schema/canonical-event.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

/** The same audit event as read through some path: same event id, its own provenance. */
function copyOf(provenance: Partial<Provenance>) {
  return canonicalOf(sourceRecord(auditEvent({ auditID: 'read-twice' }), provenance));
}

describe('the dedupe rule', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  /** Stores each copy as its own batch (as two paths would), and reads the `events` view. */
  async function keptCopy(...copies: ReturnType<typeof copyOf>[]): Promise<Record<string, unknown>[]> {
    const store = new LakeEventStore(new FileObjectStore(lake.url));
    for (const [index, copy] of copies.entries()) await store.writeEvents(`path-${index}`, [copy]);
    const query = await LakeQuery.open(lake.root);
    const result = await query.run('SELECT event_id, ingest_time, source_stream, source_record_index FROM events').finally(() => query.close());
    return result.rows;
  }

  it('keeps the copy stored first when two paths store one event', async () => {
    // Prepare
    const live = copyOf({ ingest_time: '2026-11-20T14:05:00.000Z', source_stream: 'live' });
    const backfill = copyOf({ ingest_time: '2026-11-21T09:00:00.000Z', source_stream: 'backfill' });

    // Act
    const rows = await keptCopy(backfill, live);

    // Assess
    expect(live.event_id).toBe(backfill.event_id);
    // The views type times as timestamps: the same instant, printed as ISO-8601 UTC.
    expect(rows).toEqual([{ event_id: live.event_id, ingest_time: '2026-11-20T14:05:00Z', source_stream: 'live', source_record_index: 0 }]);
  });

  it('breaks a tie on ingest time by source stream, then by position in the source', async () => {
    // Prepare
    const at = { ingest_time: '2026-11-20T14:05:00.000Z' };
    const copies = [
      copyOf({ ...at, source_stream: 'hub-b', source_record_index: 0 }),
      copyOf({ ...at, source_stream: 'hub-a', source_record_index: 7 }),
      copyOf({ ...at, source_stream: 'hub-a', source_record_index: 3 }),
    ];

    // Act
    const rows = await keptCopy(...copies);

    // Assess
    expect(rows).toMatchObject([{ source_stream: 'hub-a', source_record_index: 3 }]);
  });
});

describe('BatchDeduper', () => {
  it('tells a repeat of an event id within a batch from its first copy', () => {
    // Prepare
    const deduper = new BatchDeduper();
    const first = copyOf({ source_record_index: 0 });
    const other = canonicalOf(sourceRecord(auditEvent({ auditID: 'another' })));

    // Act
    const verdicts = [first, other, copyOf({ source_record_index: 1 })].map((event) => deduper.isRepeat(event));

    // Assess
    expect(verdicts).toEqual([false, false, true]);
  });
});
