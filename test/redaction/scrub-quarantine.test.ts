/** Quarantine records keep their raw text; the secret values in it are redacted first. */
import { describe, expect, it } from 'vitest';
import { provenanceOf } from '../../shared/decode/decoded-batch.ts';
import { buildQuarantineRecord } from '../../shared/normalize/quarantine.ts';
import { REDACTED } from '../../shared/redaction/path-tree.ts';
import { BUILTIN_REDACTIONS } from '../../shared/redaction/redaction-rules.ts';
import { createRedactor } from '../../shared/redaction/redactor.ts';
import { quarantineScrubber, WITHHELD } from '../../shared/redaction/scrub-quarantine.ts';
import type { QuarantineReason } from '../../shared/schema/quarantine-record.ts';
import { aksRecord, cloudWatchPayload, INGEST_TIME } from '../helpers/audit-events.ts';
import { API_KEY, base64, DB_PASSWORD, dbSecret, secretEvent, secretsIn } from './secret-events.ts';

const scrub = quarantineScrubber(createRedactor(BUILTIN_REDACTIONS));

function quarantined(raw: string | null, reason: QuarantineReason = 'invalid_record') {
  const provenance = provenanceOf({ platform: 'aks', cloud_provider: 'azure', source_type: 'eventhub', ingest_time: INGEST_TIME });
  return buildQuarantineRecord(provenance, reason, 'records[0]: expected an AKS diagnostic record', raw);
}

describe('scrubbing quarantine records', () => {
  it('redacts an audit event inside JSON carried as a string, which stays a string', () => {
    // Prepare
    const record = quarantined(JSON.stringify({ ...aksRecord(secretEvent('secret-get', 'get', { responseObject: dbSecret() })), category: undefined }));

    // Act
    const scrubbed = scrub(record);

    // Assess
    expect(secretsIn(scrubbed.raw as string)).toEqual([]);
    const log = (JSON.parse(scrubbed.raw as string) as { properties: { log: string } }).properties.log;
    expect(JSON.parse(log)).toMatchObject({ auditID: 'secret-get', responseObject: { data: { password: REDACTED } } });
  });

  it('keeps the hash and id of the original text, and says the raw was redacted', () => {
    // Prepare
    const record = quarantined(JSON.stringify(secretEvent('secret-get', 'get', { responseObject: dbSecret() })), 'invalid_event');

    // Act
    const scrubbed = scrub(record);

    // Assess
    expect(scrubbed).toMatchObject({ raw_sha256: record.raw_sha256, quarantine_id: record.quarantine_id, detail: `${record.detail} (raw: secret values redacted)` });
  });

  it('redacts every rule’s fields when the event’s objectRef cannot be read', () => {
    // Prepare
    const event = secretEvent('secret-patch', 'patch', { objectRef: 'secrets/db-credentials', requestObject: { stringData: { password: DB_PASSWORD } } });

    // Act
    const scrubbed = scrub(quarantined(JSON.stringify(event), 'invalid_event'));

    // Assess
    expect(JSON.parse(scrubbed.raw as string)).toMatchObject({ requestObject: { stringData: { password: REDACTED } } });
  });

  it('walks a document cut short, reading the JSON in the string the cut went through, and marks the cut', () => {
    // Prepare
    const payload = JSON.stringify(cloudWatchPayload({ events: [secretEvent('secret-get', 'get', { responseObject: { kind: 'Secret', data: { password: base64(DB_PASSWORD) } } })] }));
    const cut = payload.slice(0, payload.indexOf(base64(DB_PASSWORD)) + 6);

    // Act
    const scrubbed = scrub(quarantined(cut, 'invalid_payload'));

    // Assess
    expect(scrubbed.raw?.endsWith(WITHHELD)).toBe(true);
    const kept = JSON.parse((scrubbed.raw as string).slice(0, -WITHHELD.length)) as { logEvents: { message: string }[] };
    const message = kept.logEvents[0]?.message as string;
    expect(JSON.parse(message.slice(0, -WITHHELD.length))).toMatchObject({ auditID: 'secret-get', responseObject: { kind: 'Secret', data: { password: REDACTED } } });
    expect(secretsIn(scrubbed.raw as string)).toEqual([]);
    expect(scrubbed.raw).not.toContain(base64(DB_PASSWORD).slice(0, 6));
  });

  it('cuts text that does not parse at the first field that may hold a secret, at any depth of escaping', () => {
    // Prepare
    const payload = JSON.stringify(cloudWatchPayload({ events: [secretEvent('secret-get', 'get', { responseObject: { kind: 'Secret', data: { password: base64(DB_PASSWORD) } } })] }));
    const broken = payload.replace('"logEvents":', '"logEvents" ');

    // Act
    const scrubbed = scrub(quarantined(broken, 'invalid_payload'));

    // Assess
    const kept = broken.slice(0, broken.indexOf('\\"data\\":'));
    expect(scrubbed.raw).toBe(`${kept}${WITHHELD}`);
    expect(kept).toContain('\\"objectRef\\":{\\"resource\\":\\"secrets\\"');
  });

  it('redacts a token cut short, as the walk of what survives the cut finds it', () => {
    // Prepare
    const text = `{"kind":"Event","requestObject":{"kind":"TokenReview","spec":{"token":"${API_KEY}`;

    // Act
    const scrubbed = scrub(quarantined(text, 'truncated_unrecoverable'));

    // Assess
    expect(scrubbed.raw).toBe(`{"kind":"Event","requestObject":{"kind":"TokenReview","spec":{"token":"${REDACTED}"}}}${WITHHELD}`);
  });

  it('cuts JSON nested too deep to walk as it cuts text that does not parse', () => {
    // Prepare
    const deep = `{"kind":"Event","requestObject":{"kind":"Secret","data":{"password":"${base64(DB_PASSWORD)}"},"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;

    // Act
    const scrubbed = scrub(quarantined(deep, 'limit_exceeded'));

    // Assess
    expect(scrubbed.raw).toBe(`{"kind":"Event","requestObject":{"kind":"Secret",${WITHHELD}`);
  });

  it.each([
    ['JSON without secrets', JSON.stringify(aksRecord('kube-apiserver: I1120 14:03:07 starting'))],
    ['text that is not JSON, without a secret field', 'E1120 14:03:07.412135 1 status.go:71] apiserver received an error'],
    ['no raw text at all', null],
  ])('returns a record holding %s as it is', (_name, raw) => {
    // Prepare
    const record = quarantined(raw);

    // Act
    const scrubbed = scrub(record);

    // Assess
    expect(scrubbed).toBe(record);
  });
});
