/**
 * KAUDIT_REDACTION_EXTRAS: redactions beyond the built-in fields. `nested-secrets` and
 * `query-params` are on unless switched off; `configmap-passwords` and `external-secrets` are asked for.
 */
import { describe, expect, it } from 'vitest';
import { provenanceOf } from '../../shared/core/decoded-batch.ts';
import { buildQuarantineRecord } from '../../shared/core/quarantine.ts';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { DEFAULT_EXTRAS, parseRedactionExtras } from '../../shared/transforms/redaction/redaction-extras.ts';
import { type AuditEvent, auditEvent, canonicalOf, INGEST_TIME, sourceRecord } from '../helpers/audit-events.ts';
import { API_KEY, base64, DB_PASSWORD, dbSecret, secretsIn, URL_TOKEN } from './secret-events.ts';

/** The event as stored by a pipeline configured with `extras` (the defaults when null). */
async function storedAs(event: AuditEvent, extras: string | null = null): Promise<CanonicalEvent> {
  const { transforms = [] } = await buildPipelineOptions({ redactionExtras: extras });
  let current = canonicalOf(sourceRecord(event));
  for (const transform of transforms) {
    const result = transform(current);
    if ('skip' in result) throw new Error('no transform here skips an event');
    current = result;
  }
  return current;
}

/** A RequestResponse event of `verb` on a resource of group `apiGroup`, with the bodies given. */
function resourceEvent(resource: string, apiGroup: string, verb: string, bodies: AuditEvent): AuditEvent {
  const prefix = apiGroup === '' ? '/api/v1' : `/apis/${apiGroup}/v1`;
  return auditEvent({
    level: 'RequestResponse',
    verb,
    requestURI: `${prefix}/namespaces/shop/${resource}`,
    objectRef: { resource, apiGroup, namespace: 'shop', apiVersion: 'v1' },
    ...bodies,
  });
}

describe('the setting', () => {
  it.each([
    [null, DEFAULT_EXTRAS],
    ['', DEFAULT_EXTRAS],
    ['configmap-passwords', [...DEFAULT_EXTRAS, 'configmap-passwords']],
    [' external-secrets , configmap-passwords ', [...DEFAULT_EXTRAS, 'external-secrets', 'configmap-passwords']],
    ['-query-params', ['nested-secrets']],
    ['-nested-secrets,-query-params,nested-secrets', ['nested-secrets']],
  ])('%j turns on %j', (setting, extras) => {
    // Act
    const parsed = parseRedactionExtras(setting);

    // Assess
    expect([...parsed]).toEqual(extras);
  });

  it('refuses a name it does not know, naming the setting and the names it knows', () => {
    // Act
    const parse = () => parseRedactionExtras('configmap-password');

    // Assess
    expect(parse).toThrow(
      'KAUDIT_REDACTION_EXTRAS: unknown extra "configmap-password": expected a comma-separated list of nested-secrets, query-params, configmap-passwords, external-secrets (a leading "-" switches a default off)',
    );
  });

  it('is refused when redaction is off, as nothing would be redacted', async () => {
    // Act
    const build = () => buildPipelineOptions({ redaction: 'off', redactionExtras: 'configmap-passwords' });

    // Assess
    await expect(build()).rejects.toThrow('KAUDIT_REDACTION_EXTRAS is set, but KAUDIT_REDACTION is off: nothing would be redacted');
  });
});

describe('nested-secrets (on by default)', () => {
  const list = { kind: 'List', apiVersion: 'v1', metadata: {}, items: [dbSecret(), { kind: 'ConfigMap', apiVersion: 'v1', data: { mode: 'fast' } }] };
  const watchEvent = { type: 'ADDED', object: dbSecret() };

  it.each([
    ['the items of a List', { requestObject: list }],
    ['the object of a watch event', { responseObject: watchEvent }],
    ['a List inside a List', { requestObject: { kind: 'List', items: [list] } }],
  ])('redacts the Secrets in %s, under any resource', async (_name, bodies) => {
    // Act
    const stored = await storedAs(resourceEvent('bundles', 'bundles.example.com', 'create', bodies));

    // Assess
    expect(secretsIn(JSON.stringify(stored))).toEqual([]);
  });

  it('leaves the other items of a List as they are', async () => {
    // Act
    const stored = await storedAs(resourceEvent('bundles', 'bundles.example.com', 'create', { requestObject: list }));

    // Assess
    expect((stored.request_object as typeof list).items[1]).toEqual(list.items[1]);
  });

  it('leaves them when switched off', async () => {
    // Act
    const stored = await storedAs(resourceEvent('bundles', 'bundles.example.com', 'create', { requestObject: list }), '-nested-secrets');

    // Assess
    expect(stored.request_object).toEqual(list);
  });
});

describe('query-params (on by default)', () => {
  const uri = `/api/v1/namespaces/monitoring/services/grafana:3000/proxy/d/home?orgId=1&Access_Token=${URL_TOKEN}&refresh=30s`;
  const message = `error trying to reach service: dial tcp 10.0.7.12:3000: connect: connection refused (GET "/d/home?token=${URL_TOKEN}")`;
  const proxied = auditEvent({ requestURI: uri, responseStatus: { metadata: {}, status: 'Failure', code: 503, message } });

  it('replaces the value of credential parameters in the request URI and the response message, keeping the others', async () => {
    // Act
    const stored = await storedAs(proxied);

    // Assess
    expect(stored.request_uri).toBe(`/api/v1/namespaces/monitoring/services/grafana:3000/proxy/d/home?orgId=1&Access_Token=${REDACTED}&refresh=30s`);
    expect(stored.response_message).toBe(`error trying to reach service: dial tcp 10.0.7.12:3000: connect: connection refused (GET "/d/home?token=${REDACTED}")`);
  });

  it('keeps the event id the URI gave before redaction, so redelivered events still deduplicate', async () => {
    // Act
    const stored = await storedAs(proxied);

    // Assess
    expect(stored.event_id).toBe(canonicalOf(sourceRecord(proxied)).event_id);
  });

  it('leaves them when switched off', async () => {
    // Act
    const stored = await storedAs(proxied, '-query-params');

    // Assess
    expect(stored.request_uri).toBe(uri);
  });

  it('cuts quarantined text that cannot be read after a credential parameter', async () => {
    // Prepare
    const { quarantineTransform } = await buildPipelineOptions({});
    const provenance = provenanceOf({ platform: 'self_managed', cloud_provider: 'none', source_type: 'file', ingest_time: INGEST_TIME });
    const raw = `E1120 14:03:07.412135 1 proxy.go:88] upstream GET /d/home?token=${URL_TOKEN}&orgId=1 failed`;

    // Act
    const scrubbed = quarantineTransform?.(buildQuarantineRecord(provenance, 'invalid_json', 'line 1: not JSON', raw));

    // Assess
    expect(scrubbed?.raw).toBe('E1120 14:03:07.412135 1 proxy.go:88] upstream GET /d/home?token=[REDACTED: the rest of this text was withheld, it may hold secret values]');
  });
});

describe('configmap-passwords (asked for)', () => {
  const configMap = {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'payments', namespace: 'shop' },
    data: { endpoint: 'https://psp.example.com', DB_PASSWORD: DB_PASSWORD, 'api-token': API_KEY, 'tls.key': 'LS0tLS1CRUdJTi', timeout: '30s' },
    binaryData: { id_rsa: base64(API_KEY), 'logo.png': 'iVBORw0KGgo=' },
  };

  it('replaces the values whose key names a credential, in data and binaryData', async () => {
    // Act
    const stored = await storedAs(resourceEvent('configmaps', '', 'create', { requestObject: configMap }), 'configmap-passwords');

    // Assess
    expect(stored.request_object).toEqual({
      ...configMap,
      data: { endpoint: 'https://psp.example.com', DB_PASSWORD: REDACTED, 'api-token': REDACTED, 'tls.key': REDACTED, timeout: '30s' },
      binaryData: { id_rsa: REDACTED, 'logo.png': 'iVBORw0KGgo=' },
    });
  });

  it('redacts a JSON Patch writing such a key, and not one writing another', async () => {
    // Prepare
    const patch = [
      { op: 'add', path: '/data/smtp-password', value: DB_PASSWORD },
      { op: 'add', path: '/data/timeout', value: '60s' },
    ];

    // Act
    const stored = await storedAs(resourceEvent('configmaps', '', 'patch', { requestObject: patch }), 'configmap-passwords');

    // Assess
    expect(stored.request_object).toEqual([{ ...patch[0], value: REDACTED }, patch[1]]);
  });

  it('leaves ConfigMaps alone unless asked for', async () => {
    // Act
    const stored = await storedAs(resourceEvent('configmaps', '', 'create', { requestObject: configMap }));

    // Assess
    expect(stored.request_object).toEqual(configMap);
  });
});

describe('external-secrets (asked for)', () => {
  const template = { engineVersion: 'v2', data: { 'config.yaml': `password: ${DB_PASSWORD}\nuser: {{ .user }}` }, templateFrom: [{ literal: `api_key: ${API_KEY}` }] };
  const remote = [{ secretKey: 'user', remoteRef: { key: '/psp/user' } }];

  it.each([
    ['an ExternalSecret', 'externalsecrets', { kind: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', spec: { target: { name: 'psp', template }, data: remote } }],
    [
      'a ClusterExternalSecret',
      'clusterexternalsecrets',
      { kind: 'ClusterExternalSecret', apiVersion: 'external-secrets.io/v1', spec: { externalSecretSpec: { target: { template }, data: remote } } },
    ],
  ])('replaces the template data of %s, keeping the references to the store', async (_name, resource, body) => {
    // Act
    const stored = await storedAs(resourceEvent(resource, 'external-secrets.io', 'create', { requestObject: body }), 'external-secrets');

    // Assess
    expect(secretsIn(JSON.stringify(stored))).toEqual([]);
    expect(JSON.stringify(stored.request_object)).toContain('"remoteRef":{"key":"/psp/user"}');
    expect(JSON.stringify(stored.request_object)).toContain('"engineVersion":"v2"');
  });
});
