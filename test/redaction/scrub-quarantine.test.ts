/** Quarantine records keep their raw text; the secret values in it are redacted first. */
import { describe, expect, it } from 'vitest';
import { provenanceOf } from '../../shared/core/decoded-batch.ts';
import { buildQuarantineRecord } from '../../shared/core/quarantine.ts';
import type { QuarantineReason } from '../../shared/schema/quarantine-record.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { BUILTIN_REDACTIONS } from '../../shared/transforms/redaction/redaction-rules.ts';
import { createRedactor } from '../../shared/transforms/redaction/redactor.ts';
import { quarantineScrubber, WITHHELD } from '../../shared/transforms/redaction/scrub-quarantine.ts';
import { aksRecord, auditEvent, cloudWatchPayload, INGEST_TIME } from '../helpers/audit-events.ts';
import { API_KEY, admissionPatchAnnotation, base64, DB_PASSWORD, dbSecret, secretEvent, secretsIn } from './secret-events.ts';

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
    const payload = JSON.stringify(
      cloudWatchPayload({ events: [secretEvent('secret-get', 'get', { responseObject: { kind: 'Secret', data: { password: base64(DB_PASSWORD) } } })] }),
    );
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
    const payload = JSON.stringify(
      cloudWatchPayload({ events: [secretEvent('secret-get', 'get', { responseObject: { kind: 'Secret', data: { password: base64(DB_PASSWORD) } } })] }),
    );
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

  it('reads the event after a container runtime prefix, keeping the prefix', () => {
    // Prepare
    const prefix = '2026-11-20T14:03:07.412135000Z stdout F ';
    const event = secretEvent('secret-create', 'create', { requestObject: dbSecret() });

    // Act
    const scrubbed = scrub(quarantined(`${prefix}${JSON.stringify(event)}`, 'invalid_json'));

    // Assess
    expect(scrubbed.raw?.startsWith(prefix)).toBe(true);
    expect(JSON.parse((scrubbed.raw as string).slice(prefix.length))).toMatchObject({ auditID: 'secret-create', requestObject: { data: { password: REDACTED } } });
    expect(secretsIn(scrubbed.raw as string)).toEqual([]);
  });

  it('reads events written back to back, redacting each as its own resource asks', () => {
    // Prepare
    const configMap = auditEvent({
      auditID: 'configmap-get',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'settings' },
      responseObject: { kind: 'ConfigMap', data: { password: 'not-a-secret-here' } },
    });
    const patch = secretEvent('secret-json-patch', 'patch', { requestObject: [{ op: 'add', path: '/data/api-key', value: base64(API_KEY) }] });

    // Act
    const scrubbed = scrub(quarantined(`${JSON.stringify(configMap)}${JSON.stringify(patch)}`, 'invalid_json'));

    // Assess
    expect(scrubbed.raw).toBe(`${JSON.stringify(configMap)}${JSON.stringify({ ...patch, requestObject: [{ op: 'add', path: '/data/api-key', value: REDACTED }] })}`);
  });

  it.each([
    ['after its path', `{"op":"add","path":"/data/api-key","value":"${base64(API_KEY)}"}`],
    ['before its path', `{"value":"${base64(API_KEY)}","op":"add","path":"/data/api-key"}`],
    ['at a path escaped in a string', JSON.stringify(JSON.stringify({ op: 'add', path: '/stringData', value: { key: API_KEY } }))],
  ])('cuts a JSON Patch operation writing into a Secret that cannot be read, from the start of the operation: value %s', (_name, operation) => {
    // Prepare
    const text = `{"kind":"Event","verb":"patch","objectRef":{"resource":"secrets"},"requestObject":[${operation}] "stage":"ResponseComplete"}`;

    // Act
    const scrubbed = scrub(quarantined(text, 'invalid_json'));

    // Assess
    expect(scrubbed.raw).toMatch(/^\{"kind":"Event","verb":"patch","objectRef":\{"resource":"secrets"\},"requestObject":\["?\[REDACTED: /);
    expect(secretsIn(scrubbed.raw as string)).toEqual([]);
  });

  it('keeps a JSON Patch operation that cannot be read when it writes where no rule redacts', () => {
    // Prepare
    const text = '{"kind":"Event","verb":"patch","requestObject":[{"op":"add","path":"/metadata/labels/team","value":"payments"}] "stage":"ResponseComplete"}';
    const record = quarantined(text, 'invalid_json');

    // Act
    const scrubbed = scrub(record);

    // Assess
    expect(scrubbed).toBe(record);
  });

  it('cuts text that cannot be read at a webhook patch annotation', () => {
    // Prepare
    const annotations = admissionPatchAnnotation([{ op: 'add', path: '/metadata/annotations/injected-by', value: API_KEY }]);
    const text = `{"kind":"Event","auditID":"mutated","annotations":${JSON.stringify(annotations)} "stage":"ResponseComplete"}`;

    // Act
    const scrubbed = scrub(quarantined(text, 'invalid_json'));

    // Assess
    const [mutation] = Object.entries(annotations).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
    expect(scrubbed.raw).toBe(`{"kind":"Event","auditID":"mutated","annotations":{${mutation},${WITHHELD}`);
  });

  it.each([
    ['JSON without secrets', JSON.stringify(aksRecord('kube-apiserver: I1120 14:03:07 starting'))],
    ['text that is not JSON, without a secret field', 'E1120 14:03:07.412135 1 status.go:71] apiserver received an error'],
    ['text with brackets that are not JSON', 'I1120 14:03:07.412135 1 httplog.go:132] "HTTP" verb="GET" URI="/livez" srcIP="[::1]:41024" resp=200 {slow}'],
    ['an event cut short without secrets', '{"kind":"Event","auditID":'],
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
