import { describe, expect, it } from 'vitest';
import { decodeAuditEventList, decodeAuditLogLines } from '../../../shared/sources/audit-log/audit-log.ts';
import { auditEvent, auditLogLines, DECODER_CONTEXT, eventList, fixtureText } from '../../helpers/audit-events.ts';

const LOG_PATH = '/var/log/kubernetes/audit/kube-apiserver-audit.log';
const CONTEXT = { ...DECODER_CONTEXT, clusterName: 'onprem-dc1', sourceStream: LOG_PATH };

describe('audit log decoder (the API server log backend, one event per line)', () => {
  it('makes one record per line, numbering lines from 1 as source_offset and skipping blank lines', () => {
    // Prepare
    const text = fixtureText('self-managed/kube-apiserver-audit.log');

    // Act
    const batch = decodeAuditLogLines(text, CONTEXT);

    // Assess
    expect(batch.records.map((record) => [record.provenance.source_offset, record.provenance.source_record_index])).toEqual([
      ['1', 0],
      ['2', 1],
      ['4', 2],
    ]);
    expect(batch.records[2]?.text).toBe(text.split('\n')[3]);
  });

  it('reads lines ending in CRLF', () => {
    // Prepare
    const text = auditLogLines([auditEvent(), auditEvent({ auditID: 'b7e1c2d3-0000-4000-8000-000000000002' })]).replace(/\n/g, '\r\n');

    // Act
    const batch = decodeAuditLogLines(text, CONTEXT);

    // Assess
    expect(batch.records.map((record) => JSON.parse(record.text ?? '').auditID)).toEqual(['6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d', 'b7e1c2d3-0000-4000-8000-000000000002']);
  });

  it('gives self-managed provenance with the configured cluster, which is also its id', () => {
    // Act
    const batch = decodeAuditLogLines(auditLogLines([auditEvent()]), CONTEXT);

    // Assess
    expect(batch.records[0]?.provenance).toMatchObject({
      platform: 'self_managed',
      cloud_provider: 'none',
      cluster_name: 'onprem-dc1',
      cluster_id: 'onprem-dc1',
      source_type: 'file',
      source_stream: LOG_PATH,
      cloud_account_id: null,
      cloud_region: null,
    });
  });

  it('keys the batch by a hash of the file content', () => {
    // Prepare
    const text = auditLogLines([auditEvent()]);

    // Act
    const batch = decodeAuditLogLines(text, CONTEXT);
    const sameContentElsewhere = decodeAuditLogLines(text, { ...CONTEXT, sourceStream: '/tmp/copy.log' });
    const otherContent = decodeAuditLogLines(auditLogLines([auditEvent({ verb: 'watch' })]), CONTEXT);

    // Assess
    expect(batch.batchKey).toMatch(/^file-[0-9a-f]{32}$/);
    expect(sameContentElsewhere.batchKey).toBe(batch.batchKey);
    expect(otherContent.batchKey).not.toBe(batch.batchKey);
  });

  it('quarantines a line over the event size limit as limit_exceeded, naming the line', () => {
    // Prepare
    const text = auditLogLines([auditEvent(), auditEvent({ requestObject: { data: 'x'.repeat(2_000) } })]);

    // Act
    const batch = decodeAuditLogLines(text, { ...CONTEXT, limits: { ...CONTEXT.limits, maxEventBytes: 1_500 } });

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.quarantined).toMatchObject([{ reason: 'limit_exceeded', source_offset: '2' }]);
    expect(batch.quarantined[0]?.detail).toMatch(/^line 2: /);
  });
});

describe('EventList decoder', () => {
  it('makes one record per item, keeping the parsed item and its index', () => {
    // Prepare
    const items = [auditEvent({ stage: 'RequestReceived' }), auditEvent()];

    // Act
    const batches = [...decodeAuditEventList(eventList(items), CONTEXT, 'file-0123')];

    // Assess
    expect(batches.map((batch) => batch.batchKey)).toEqual(['file-0123']);
    expect(batches[0]?.records).toMatchObject([
      { text: null, value: items[0], provenance: { source_record_index: 0, platform: 'self_managed' } },
      { text: null, value: items[1], provenance: { source_record_index: 1 } },
    ]);
  });

  it.each([
    ['a list of another kind', { kind: 'PodList', apiVersion: 'v1', items: [] }],
    ['an EventList without items', { kind: 'EventList', apiVersion: 'audit.k8s.io/v1' }],
    ['null', null],
  ])('quarantines %s as invalid_payload, in one batch', (_name, list) => {
    // Act
    const batches = [...decodeAuditEventList(list, CONTEXT, 'file-0123')];

    // Assess
    expect(batches).toHaveLength(1);
    expect(batches[0]?.records).toEqual([]);
    expect(batches[0]?.quarantined).toMatchObject([{ reason: 'invalid_payload', detail: 'expected an audit.k8s.io EventList {kind: EventList, items: […]}' }]);
  });

  it('splits an EventList over the record limit into batches of at most the limit, keyed by part, every item kept with its index', () => {
    // Prepare
    const items = ['a1', 'a2', 'a3', 'a4', 'a5'].map((auditID) => auditEvent({ auditID }));

    // Act
    const batches = [...decodeAuditEventList(eventList(items), { ...CONTEXT, limits: { ...CONTEXT.limits, maxRecordsPerBatch: 2 } }, 'file-0123')];

    // Assess
    expect(batches.map((batch) => batch.batchKey)).toEqual(['file-0123', 'file-0123-1', 'file-0123-2']);
    expect(batches.map((batch) => batch.records.map((record) => [(record.value as { auditID: string }).auditID, record.provenance.source_record_index]))).toEqual([
      [
        ['a1', 0],
        ['a2', 1],
      ],
      [
        ['a3', 2],
        ['a4', 3],
      ],
      [['a5', 4]],
    ]);
    expect(batches.flatMap((batch) => batch.quarantined)).toEqual([]);
  });

  it('builds each part only when it is asked for', () => {
    // Prepare
    const parts = decodeAuditEventList(eventList([auditEvent(), auditEvent(), auditEvent()]), { ...CONTEXT, limits: { ...CONTEXT.limits, maxRecordsPerBatch: 1 } }, 'file-0123');

    // Act
    const first = parts.next();

    // Assess
    expect(first.value).toMatchObject({ batchKey: 'file-0123', records: [{ provenance: { source_record_index: 0 } }] });
    expect([...parts].map((batch) => batch.batchKey)).toEqual(['file-0123-1', 'file-0123-2']);
  });
});
