/**
 * Audit events that carry secret values, the way kube-apiserver records them at RequestResponse.
 * The values use only letters, digits and dashes, so they read the same inside JSON, inside JSON
 * in a string, and inside JSON in a string in a string: a substring search finds every copy.
 */
import { LAST_APPLIED_ANNOTATION } from '../../shared/transforms/redaction/redaction-rules.ts';
import { type AuditEvent, auditEvent } from '../helpers/audit-events.ts';

export const DB_PASSWORD = 'Pw-7f3c91d2e8a4b6';
export const API_KEY = 'sk-live-4e1b9a7c2d8f03';
export const REVIEWED_TOKEN = 'eyJhbGciOiJSUzI1NiJ9-reviewed-bearer-5a8c';
export const ISSUED_TOKEN = 'eyJhbGciOiJSUzI1NiJ9-issued-sa-token-9d2e';
/** What a mutating webhook adds to a Secret (a sidecar's credentials, say). */
export const INJECTED_PASSWORD = 'Inj-5e0b7c3a9d1f42';
/** A token a client put in a URL (a proxied dashboard's `?token=`). */
export const URL_TOKEN = 'glsa-url-token-8c2f51d7e0';

/** Every secret value, as written and as Secret `data` holds it (base64). */
export const SECRET_FORMS: readonly string[] = [DB_PASSWORD, API_KEY, REVIEWED_TOKEN, ISSUED_TOKEN, INJECTED_PASSWORD, URL_TOKEN].flatMap((value) => [value, base64(value)]);

export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** The secret forms that occur in `text`. */
export function secretsIn(text: string): string[] {
  return SECRET_FORMS.filter((form) => text.includes(form));
}

/** The Secret `db-credentials` as `kubectl apply` leaves it: values in data, and again in the last-applied annotation. */
export function dbSecret(): Record<string, unknown> {
  const applied = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'shop' }, type: 'Opaque', data: { password: base64(DB_PASSWORD) } };
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata: {
      name: 'db-credentials',
      namespace: 'shop',
      uid: '0c6d5f7e-2b1a-4c3d-9e8f-7a6b5c4d3e2f',
      resourceVersion: '48213400',
      annotations: { [LAST_APPLIED_ANNOTATION]: `${JSON.stringify(applied)}\n` },
    },
    type: 'Opaque',
    data: { password: base64(DB_PASSWORD), 'api-key': base64(API_KEY) },
  };
}

/**
 * The annotation the API server adds to an audit event (level Request and above) for a mutating
 * webhook's JSON Patch: `patch.webhook.admission.k8s.io/round_<r>_index_<i>`, JSON as Go writes it.
 */
export function admissionPatchAnnotation(patch: unknown, round = 0, index = 0): Record<string, string> {
  const value = { configuration: 'secret-injector.example.com', webhook: 'inject.secret-injector.example.com', patch, patchType: 'JSONPatch' };
  return {
    [`mutation.webhook.admission.k8s.io/round_${round}_index_${index}`]: JSON.stringify({ configuration: value.configuration, webhook: value.webhook, mutated: true }),
    [`patch.webhook.admission.k8s.io/round_${round}_index_${index}`]: JSON.stringify(value),
  };
}

/** The patch a webhook makes to the Secret db-credentials: a key added to its data. */
export function injectingPatch(): unknown[] {
  return [{ op: 'add', path: '/data/sidecar-password', value: base64(INJECTED_PASSWORD) }];
}

/** A RequestResponse event about the Secret db-credentials in namespace shop. */
export function secretEvent(auditID: string, verb: string, overrides: AuditEvent = {}): AuditEvent {
  return auditEvent({
    level: 'RequestResponse',
    auditID,
    verb,
    user: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] },
    requestURI: verb === 'list' || verb === 'create' ? '/api/v1/namespaces/shop/secrets' : '/api/v1/namespaces/shop/secrets/db-credentials',
    objectRef: { resource: 'secrets', namespace: 'shop', name: verb === 'list' ? undefined : 'db-credentials', apiVersion: 'v1' },
    ...overrides,
  });
}

/** Every way the secret values above reach an audit event. */
export function eventsCarryingSecrets(): AuditEvent[] {
  return [
    secretEvent('secret-create', 'create', { requestObject: dbSecret(), responseObject: dbSecret() }),
    secretEvent('secret-get', 'get', { responseObject: dbSecret() }),
    secretEvent('secret-list', 'list', { responseObject: { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '48213401' }, items: [dbSecret()] } }),
    secretEvent('secret-update', 'update', { requestObject: { ...dbSecret(), data: undefined, stringData: { password: DB_PASSWORD } }, responseObject: dbSecret() }),
    secretEvent('secret-merge-patch', 'patch', { requestObject: { data: { 'api-key': base64(API_KEY) } }, responseObject: dbSecret() }),
    secretEvent('secret-json-patch', 'patch', {
      requestObject: [
        { op: 'replace', path: '/data/password', value: base64(DB_PASSWORD) },
        { op: 'add', path: '/stringData', value: { 'api-key': API_KEY } },
        { op: 'add', path: '/metadata/labels/team', value: 'payments' },
      ],
    }),
    secretEvent('secret-table', 'list', {
      responseObject: { kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [], rows: [{ cells: ['db-credentials', 'Opaque', 2], object: dbSecret() }] },
    }),
    secretEvent('secret-create-mutated', 'create', {
      requestObject: dbSecret(),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '', ...admissionPatchAnnotation(injectingPatch()) },
    }),
    auditEvent({
      level: 'RequestResponse',
      auditID: 'secrets-in-a-list',
      verb: 'create',
      requestURI: '/apis/bundles.example.com/v1/namespaces/shop/bundles',
      objectRef: { resource: 'bundles', apiGroup: 'bundles.example.com', namespace: 'shop', apiVersion: 'v1' },
      requestObject: { kind: 'List', apiVersion: 'v1', metadata: {}, items: [dbSecret()] },
      responseObject: { type: 'ADDED', object: dbSecret() },
    }),
    auditEvent({
      auditID: 'token-in-a-url',
      verb: 'get',
      requestURI: `/api/v1/namespaces/monitoring/services/grafana:3000/proxy/api/dashboards/home?orgId=1&token=${URL_TOKEN}`,
      objectRef: { resource: 'services', subresource: 'proxy', namespace: 'monitoring', name: 'grafana:3000', apiVersion: 'v1' },
      responseStatus: {
        metadata: {},
        status: 'Failure',
        code: 503,
        message: `error trying to reach service: dial tcp 10.0.7.12:3000: connect: connection refused (GET "/api/dashboards/home?orgId=1&token=${URL_TOKEN}")`,
      },
    }),
    auditEvent({
      level: 'RequestResponse',
      auditID: 'token-review',
      verb: 'create',
      user: { username: 'system:serviceaccount:monitoring:metrics-proxy', groups: ['system:serviceaccounts'] },
      requestURI: '/apis/authentication.k8s.io/v1/tokenreviews',
      objectRef: { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' },
      requestObject: { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: REVIEWED_TOKEN } },
      responseObject: {
        kind: 'TokenReview',
        apiVersion: 'authentication.k8s.io/v1',
        spec: { token: REVIEWED_TOKEN },
        status: { authenticated: true, user: { username: 'system:serviceaccount:shop:checkout' } },
      },
    }),
    auditEvent({
      level: 'RequestResponse',
      auditID: 'token-request',
      verb: 'create',
      user: { username: 'system:node:ip-10-0-42-17.eu-west-1.compute.internal', groups: ['system:nodes', 'system:authenticated'] },
      requestURI: '/api/v1/namespaces/shop/serviceaccounts/checkout/token',
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'shop', name: 'checkout', apiVersion: 'v1' },
      requestObject: { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3607 } },
      responseObject: {
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        spec: { audiences: ['https://kubernetes.default.svc'], expirationSeconds: 3607 },
        status: { token: ISSUED_TOKEN, expirationTimestamp: '2026-11-20T15:03:14Z' },
      },
    }),
  ];
}
