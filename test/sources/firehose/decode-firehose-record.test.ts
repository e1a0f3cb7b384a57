import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { decodeCloudWatchPayload } from '../../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeFirehoseRecord } from '../../../shared/sources/firehose/decode-firehose-record.ts';
import { auditEvent, cloudWatchPayload, firehoseRecord } from '../../helpers/audit-events.ts';

const context = { region: 'eu-west-1', ingestTime: '2026-11-20T14:05:00.000Z', limits: DEFAULT_LIMITS };
const RECORD_ID = '49546986683135544286507457936321625675700192471156785154';

describe('decodeFirehoseRecord', () => {
  it('decodes every payload of a record, numbering its log events across payloads', () => {
    // Prepare
    const first = cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' }), auditEvent({ auditID: 'a2' })] });
    const second = cloudWatchPayload({ events: [auditEvent({ auditID: 'a3' })] });

    // Act
    const batch = decodeFirehoseRecord(firehoseRecord([first, second], { recordId: RECORD_ID }), context);

    // Assess
    expect(batch.records.map((record) => record.provenance.source_record_id)).toEqual([`${RECORD_ID}:0`, `${RECORD_ID}:1`, `${RECORD_ID}:2`]);
    expect(batch.records.map((record) => record.provenance.source_type)).toEqual(['firehose', 'firehose', 'firehose']);
    expect(batch.quarantined).toEqual([]);
  });

  it('reads payloads written back to back without a separator', () => {
    // Prepare
    const payloads = [cloudWatchPayload({ events: [auditEvent({ auditID: 'a1' })] }), cloudWatchPayload({ events: [auditEvent({ auditID: 'a2' })] })];

    // Act
    const batch = decodeFirehoseRecord(firehoseRecord(payloads, { separator: '' }), context);

    // Assess
    expect(batch.records.map((record) => JSON.parse(record.text as string).auditID)).toEqual(['a1', 'a2']);
  });

  it('reads a record Firehose already decompressed', () => {
    // Prepare
    const record = firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })], { compression: 'none' });

    // Act
    const batch = decodeFirehoseRecord(record, context);

    // Assess
    expect(batch.records).toHaveLength(1);
  });

  it('keeps the provenance of the subscription path apart from source type and record id', () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [auditEvent()] });

    // Act
    const viaFirehose = decodeFirehoseRecord(firehoseRecord([payload], { recordId: RECORD_ID }), context).records[0];
    const viaSubscription = decodeCloudWatchPayload(payload, context).records[0];

    // Assess
    expect(viaFirehose?.provenance).toEqual({ ...viaSubscription?.provenance, source_type: 'firehose', source_record_id: `${RECORD_ID}:0` });
  });

  it('skips control messages', () => {
    // Prepare
    const control = cloudWatchPayload({ messageType: 'CONTROL_MESSAGE', logGroup: '', logStream: '', events: ['CWL CONTROL MESSAGE: Checking health of destination Firehose.'] });

    // Act
    const batch = decodeFirehoseRecord(firehoseRecord([control]), context);

    // Assess
    expect(batch).toMatchObject({ records: [], quarantined: [], skipped: { control_message: 1 } });
  });

  it('quarantines a payload that is not JSON and still decodes the others', () => {
    // Prepare
    const good = cloudWatchPayload({ events: [auditEvent()] });
    const record = firehoseRecord([good, '{"messageType": DATA_MESSAGE}', good], { recordId: RECORD_ID });

    // Act
    const batch = decodeFirehoseRecord(record, context);

    // Assess
    expect(batch.records).toHaveLength(2);
    expect(batch.quarantined).toHaveLength(1);
    expect(batch.quarantined[0]).toMatchObject({ reason: 'invalid_payload', source_record_id: RECORD_ID, raw: '{"messageType": DATA_MESSAGE}' });
    expect(batch.quarantined[0]?.detail).toMatch(/^Firehose record 4954\d+: payload 1 is not JSON/);
  });

  it('quarantines text after the last complete payload', () => {
    // Prepare
    const record = firehoseRecord([cloudWatchPayload({ events: [auditEvent()] }), '{"messageType":"DATA_MESSAGE","logEvents":['], { recordId: RECORD_ID });

    // Act
    const batch = decodeFirehoseRecord(record, context);

    // Assess
    expect(batch.records).toHaveLength(1);
    expect(batch.quarantined[0]).toMatchObject({ reason: 'invalid_payload', raw: '{"messageType":"DATA_MESSAGE","logEvents":[' });
    expect(batch.quarantined[0]?.detail).toContain('after 1 payload(s): document starting at character');
  });

  it('quarantines data that is not base64, naming the record', () => {
    // Prepare
    const record = { recordId: RECORD_ID, data: 'not base64!' };

    // Act
    const batch = decodeFirehoseRecord(record, context);

    // Assess
    expect(batch.records).toEqual([]);
    expect(batch.quarantined[0]).toMatchObject({
      reason: 'invalid_payload',
      detail: `Firehose record ${RECORD_ID}: data is not base64`,
      raw: 'not base64!',
      source_type: 'firehose',
    });
  });

  it('quarantines data that inflates past the payload limit as limit_exceeded', () => {
    // Prepare
    const record = firehoseRecord([cloudWatchPayload({ events: [auditEvent()] })]);

    // Act
    const batch = decodeFirehoseRecord(record, { ...context, limits: { ...DEFAULT_LIMITS, maxDecodedBytes: 100 } });

    // Assess
    expect(batch.quarantined[0]?.reason).toBe('limit_exceeded');
    expect(batch.quarantined[0]?.detail).toBe(
      `Firehose record ${RECORD_ID}: data could not be decompressed: decompressed size exceeds the limit of 100 bytes; raw is the text the data inflates to before that point (100 bytes), not the data`,
    );
  });

  it('gives the same batch key to the same payloads whatever their record id', () => {
    // Prepare
    const payload = cloudWatchPayload({ events: [auditEvent()] });

    // Act
    const first = decodeFirehoseRecord(firehoseRecord([payload], { recordId: 'r1' }), context);
    const second = decodeFirehoseRecord(firehoseRecord([payload], { recordId: 'r2' }), context);

    // Assess
    expect(first.batchKey).toBe(second.batchKey);
    expect(first.batchKey).toMatch(/^fh-[0-9a-f]{32}$/);
  });
});
