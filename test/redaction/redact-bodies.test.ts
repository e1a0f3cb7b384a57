/** The built-in redactions on request and response bodies, one place a secret value can sit at a time. */
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { BUILTIN_REDACTIONS, LAST_APPLIED_ANNOTATION } from '../../shared/transforms/redaction/redaction-rules.ts';
import { type BodyResource, createRedactor } from '../../shared/transforms/redaction/redactor.ts';
import { API_KEY, base64, DB_PASSWORD, dbSecret, ISSUED_TOKEN, REVIEWED_TOKEN, secretsIn } from './secret-events.ts';

const redactor = createRedactor(BUILTIN_REDACTIONS);
const SECRETS: BodyResource = { apiGroup: '', resource: 'secrets', subresource: '' };
const CONFIGMAPS: BodyResource = { apiGroup: '', resource: 'configmaps', subresource: '' };

function appliedConfigurationOf(body: unknown): unknown {
  const annotations = (body as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
  return JSON.parse(annotations[LAST_APPLIED_ANNOTATION] as string);
}

describe('built-in redaction', () => {
  it('replaces each value of a Secret’s data and stringData, keeping keys and everything else', () => {
    // Prepare
    const secret = { ...dbSecret(), stringData: { token: API_KEY } };

    // Act
    const redacted = redactor.redactBody(secret, SECRETS, false);

    // Assess
    expect(redacted).toMatchObject({
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'db-credentials', resourceVersion: '48213400' },
      data: { password: REDACTED, 'api-key': REDACTED },
      stringData: { token: REDACTED },
    });
  });

  it('redacts inside kubectl’s last-applied-configuration, which stays JSON text', () => {
    // Prepare
    const secret = dbSecret();

    // Act
    const redacted = redactor.redactBody(secret, SECRETS, false);

    // Assess
    expect(appliedConfigurationOf(redacted)).toMatchObject({ kind: 'Secret', data: { password: REDACTED } });
    expect((redacted as { metadata: { annotations: Record<string, string> } }).metadata.annotations[LAST_APPLIED_ANNOTATION]).toMatch(/\n$/);
  });

  it('withholds a last-applied-configuration that is not JSON, since its fields cannot be told apart', () => {
    // Prepare
    const secret = { ...dbSecret(), metadata: { name: 'db-credentials', annotations: { [LAST_APPLIED_ANNOTATION]: `{"data":{"password":"${base64(DB_PASSWORD)}` } } };

    // Act
    const redacted = redactor.redactBody(secret, SECRETS, false);

    // Assess
    expect(redacted).toMatchObject({ metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: REDACTED } } });
  });

  it('redacts every item of a SecretList', () => {
    // Prepare
    const list = { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [dbSecret(), dbSecret()] };

    // Act
    const redacted = redactor.redactBody(list, SECRETS, false);

    // Assess
    expect(secretsIn(JSON.stringify(redacted))).toEqual([]);
    expect(redacted).toMatchObject({ items: [{ data: { password: REDACTED } }, { data: { password: REDACTED } }] });
  });

  it('redacts the objects of a Table', () => {
    // Prepare
    const table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [{ cells: ['db-credentials'], object: dbSecret() }] };

    // Act
    const redacted = redactor.redactBody(table, SECRETS, false);

    // Assess
    expect(secretsIn(JSON.stringify(redacted))).toEqual([]);
  });

  it('redacts a merge patch of a Secret', () => {
    // Prepare
    const patch = { data: { password: base64(DB_PASSWORD) }, metadata: { labels: { team: 'payments' } } };

    // Act
    const redacted = redactor.redactBody(patch, SECRETS, true);

    // Assess
    expect(redacted).toEqual({ data: { password: REDACTED }, metadata: { labels: { team: 'payments' } } });
  });

  it.each([
    ['a value written into data', { op: 'replace', path: '/data/password', value: base64(DB_PASSWORD) }, REDACTED],
    ['a whole data map', { op: 'add', path: '/data', value: { password: base64(DB_PASSWORD) } }, { password: REDACTED }],
    ['the whole object', { op: 'replace', path: '', value: { kind: 'Secret', data: { password: base64(DB_PASSWORD) } } }, { kind: 'Secret', data: { password: REDACTED } }],
    [
      'the last-applied annotation',
      { op: 'add', path: `/metadata/annotations/${LAST_APPLIED_ANNOTATION.replace('/', '~1')}`, value: JSON.stringify({ data: { password: base64(DB_PASSWORD) } }) },
      JSON.stringify({ data: { password: REDACTED } }),
    ],
    ['a path that is not a JSON pointer', { op: 'add', path: 'data/password', value: base64(DB_PASSWORD) }, REDACTED],
    ['a label, which stays', { op: 'add', path: '/metadata/labels/team', value: 'payments' }, 'payments'],
  ])('in a JSON Patch of a Secret, redacts %s', (_name, operation, value) => {
    // Prepare
    const patch = [operation];

    // Act
    const redacted = redactor.redactBody(patch, SECRETS, true);

    // Assess
    expect(redacted).toEqual([{ ...operation, value }]);
  });

  it('redacts the token of a TokenReview', () => {
    // Prepare
    const review = { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: REVIEWED_TOKEN, audiences: ['api'] } };

    // Act
    const redacted = redactor.redactBody(review, { apiGroup: 'authentication.k8s.io', resource: 'tokenreviews', subresource: '' }, false);

    // Assess
    expect(redacted).toEqual({ ...review, spec: { token: REDACTED, audiences: ['api'] } });
  });

  it('redacts the token a TokenRequest returns', () => {
    // Prepare
    const request = { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', status: { token: ISSUED_TOKEN, expirationTimestamp: '2026-11-20T15:03:14Z' } };

    // Act
    const redacted = redactor.redactBody(request, { apiGroup: '', resource: 'serviceaccounts', subresource: 'token' }, false);

    // Assess
    expect(redacted).toEqual({ ...request, status: { token: REDACTED, expirationTimestamp: '2026-11-20T15:03:14Z' } });
  });

  it('redacts a Secret by its kind wherever it turns up', () => {
    // Prepare
    const secret = dbSecret();

    // Act
    const redacted = redactor.redactBody(secret, 'none', false);

    // Assess
    expect(secretsIn(JSON.stringify(redacted))).toEqual([]);
  });

  it('leaves the same fields of other resources alone, returning the body itself', () => {
    // Prepare
    const configMap = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'settings' }, data: { password: 'not-a-secret-here' } };

    // Act
    const redacted = redactor.redactBody(configMap, CONFIGMAPS, false);

    // Assess
    expect(redacted).toBe(configMap);
  });

  it('returns a Secret without values as it is, and never changes the body it was given', () => {
    // Prepare
    const empty = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'empty' }, type: 'Opaque' };
    const secret = dbSecret();
    const before = structuredClone(secret);

    // Act
    const untouched = redactor.redactBody(empty, SECRETS, false);
    redactor.redactBody(secret, SECRETS, false);

    // Assess
    expect(untouched).toBe(empty);
    expect(secret).toEqual(before);
  });

  it('keeps a key named __proto__ a plain key', () => {
    // Prepare
    const secret = JSON.parse(`{"kind":"Secret","data":{"__proto__":"${base64(DB_PASSWORD)}"}}`) as Record<string, unknown>;

    // Act
    const redacted = redactor.redactBody(secret, SECRETS, false) as { data: Record<string, unknown> };

    // Assess
    expect(Object.getOwnPropertyDescriptor(redacted.data, '__proto__')?.value).toBe(REDACTED);
    expect(Object.getPrototypeOf(redacted.data)).toBe(Object.prototype);
  });
});
