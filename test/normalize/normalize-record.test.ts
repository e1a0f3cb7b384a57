import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KAUDIT_VERSION } from '../../shared/core/version.ts';
import { CanonicalEventSchema } from '../../shared/schema/canonical-event.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { aksRecord, auditEvent, canonicalOf, DECODER_CONTEXT, eventHubBody, eventHubMessages, fixtureEvent, quarantineOf, sourceRecord } from '../helpers/audit-events.ts';

const FIXTURES = [
  'eks/sso-admin-get-aws-auth.json',
  'eks/iam-user-forbidden-list-secrets.json',
  'eks/node-patch-node-status.json',
  'eks/service-account-watch-endpointslices.json',
  'eks/anonymous-get-version.json',
  'eks/eks-certificate-controller-list-csrs.json',
  'aks/aks-service-get-configmap.json',
  'aks/masterclient-list-nodes.json',
  'aks/aad-user-exec-into-pod.json',
  'aks/aad-user-forbidden-delete-namespace.json',
  'aks/service-account-list-pods.json',
  'aks/node-update-lease.json',
];

describe('normalizer: request and target', () => {
  it.each(FIXTURES)('turns %s into a valid canonical event', (fixture) => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent(fixture)));

    // Assess
    expect(CanonicalEventSchema.parse(canonical)).toEqual(canonical);
  });

  it('maps the request fields', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('aks/aad-user-exec-into-pod.json')));

    // Assess
    expect(canonical).toMatchObject({
      schema_version: 'k8s_audit/1',
      audit_id: '1f6b8d3c-9a27-4e15-b0d4-7c2e5a9f1b38',
      stage: 'ResponseStarted',
      level: 'Metadata',
      verb: 'create',
      request_uri:
        '/api/v1/namespaces/payments/pods/payments-api-6c9d7f8b4-2mzqk/exec?command=sh&command=-c&command=cat+%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken&container=api&stdin=true&stdout=true&tty=true',
      user_agent: 'kubectl/v1.30.5 (windows/amd64) kubernetes/74e84a9',
      user_name: 'devon.okafor@contoso.com',
      user_groups: ['5d1c2e7f-8a94-4b3d-a6e0-f1c7b9d2e483', 'system:authenticated'],
    });
  });

  it('maps objectRef to the object fields of a resource request', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('aks/node-update-lease.json')));

    // Assess
    expect(canonical).toMatchObject({
      is_resource_request: true,
      object_api_group: 'coordination.k8s.io',
      object_api_version: 'v1',
      object_resource: 'leases',
      object_subresource: null,
      object_namespace: 'kube-node-lease',
      object_name: 'aks-nodepool1-38290114-vmss000000',
      object_uid: '2e8a5c1f-9d37-4b60-a4e2-7f1c3b9d6e05',
      object_resource_version: '1920384',
    });
  });

  it('writes the core API group, which objectRef leaves out, as core', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('eks/node-patch-node-status.json')));

    // Assess
    expect(canonical).toMatchObject({ object_api_group: 'core', object_resource: 'nodes', object_subresource: 'status' });
  });

  it('writes null, not "", for every object field of a non-resource request', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('eks/anonymous-get-version.json')));

    // Assess
    expect(canonical).toMatchObject({
      is_resource_request: false,
      object_api_group: null,
      object_api_version: null,
      object_resource: null,
      object_subresource: null,
      object_namespace: null,
      object_name: null,
      object_uid: null,
      object_resource_version: null,
    });
  });

  it('writes the HTTP method of a non-resource request in lower case', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ verb: 'GET', requestURI: '/healthz', objectRef: undefined })));

    // Assess
    expect(canonical.verb).toBe('get');
  });

  it('writes null for values the event does not have', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('aks/masterclient-list-nodes.json')));

    // Assess
    expect(canonical).toMatchObject({
      user_uid: null,
      user_extra: null,
      impersonated_user_name: null,
      impersonated_user_groups: null,
      response_status: null,
      response_reason: null,
      response_message: null,
      request_object: null,
      response_object: null,
      authz_reason: null,
    });
  });
});

describe('normalizer: source and outcome', () => {
  it('takes src_ip from the first source IP and src_peer_ip from the last, the one a client cannot set', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ sourceIPs: ['203.0.113.10', '198.51.100.7', '10.0.12.7'] })));

    // Assess
    expect(canonical).toMatchObject({ source_ips: ['203.0.113.10', '198.51.100.7', '10.0.12.7'], src_ip: '203.0.113.10', src_peer_ip: '10.0.12.7' });
  });

  it('uses the only source IP for both src_ip and src_peer_ip', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('eks/sso-admin-get-aws-auth.json')));

    // Assess
    expect(canonical).toMatchObject({ src_ip: '198.51.100.24', src_peer_ip: '198.51.100.24' });
  });

  it('leaves the source IPs null when the event has none', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ sourceIPs: undefined })));

    // Assess
    expect(canonical).toMatchObject({ source_ips: null, src_ip: null, src_peer_ip: null });
  });

  it('maps responseStatus of a refused request', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(fixtureEvent('aks/aad-user-forbidden-delete-namespace.json')));

    // Assess
    expect(canonical).toMatchObject({
      response_code: 403,
      response_status: 'Failure',
      response_reason: 'Forbidden',
      response_message: 'namespaces "payments" is forbidden: User "sam.lindqvist@contoso.com" cannot delete resource "namespaces" in API group "" in the namespace "payments"',
      authz_decision: 'forbid',
      outcome: 'failure',
    });
  });

  it('writes a response code of 0 as null', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ responseStatus: { metadata: {}, code: 0 }, annotations: undefined })));

    // Assess
    expect(canonical).toMatchObject({ response_code: null, outcome: 'unknown' });
  });

  it.each([
    ['forbid', 403, 'failure'],
    ['forbid', undefined, 'failure'],
    ['allow', 500, 'failure'],
    ['allow', 404, 'failure'],
    [undefined, 401, 'failure'],
    ['allow', 200, 'success'],
    [undefined, 101, 'success'],
    [undefined, 399, 'success'],
    ['allow', undefined, 'success'],
    ['allow', 0, 'success'],
    [undefined, undefined, 'unknown'],
    [undefined, 0, 'unknown'],
    [undefined, 99, 'unknown'],
  ])('derives outcome from decision %s and code %s as %s', (decision, code, outcome) => {
    // Prepare
    const event = auditEvent({
      responseStatus: code === undefined ? undefined : { metadata: {}, code },
      annotations: decision === undefined ? undefined : { 'authorization.k8s.io/decision': decision },
    });

    // Act
    const canonical = canonicalOf(sourceRecord(event));

    // Assess
    expect(canonical.outcome).toBe(outcome);
  });

  it('reads the authorization decision and reason from the annotations, keeping every key verbatim', () => {
    // Prepare
    const annotations = {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "payments-oncall" of ClusterRole "cluster-admin"',
      'pod-security.kubernetes.io/enforce-policy': 'restricted:latest',
      'mutation.webhook.admission.k8s.io/round_0_index_2': '{"configuration":"istio-sidecar-injector","webhook":"sidecar-injector.istio.io","mutated":true}',
    };

    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ annotations })));

    // Assess
    expect(canonical).toMatchObject({ authz_decision: 'allow', authz_reason: annotations['authorization.k8s.io/reason'], annotations });
  });

  it('leaves authz_decision null for a decision other than allow or forbid', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ annotations: { 'authorization.k8s.io/decision': 'deny' } })));

    // Assess
    expect(canonical.authz_decision).toBeNull();
  });

  it('keeps requestObject and responseObject as JSON, and the string AKS sends for an object too big', () => {
    // Prepare
    const requestObject = { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 6 } };

    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ level: 'RequestResponse', requestObject, responseObject: 'skipped-too-big-size-object' })));

    // Assess
    expect(canonical).toMatchObject({ request_object: requestObject, response_object: 'skipped-too-big-size-object' });
  });
});

describe('normalizer: time', () => {
  it('keeps the source microseconds of both timestamps', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent()));

    // Assess
    expect(canonical).toMatchObject({ time: '2026-11-20T14:03:07.419876Z', start_time: '2026-11-20T14:03:07.412135Z' });
  });

  it('computes duration_ms to the microsecond', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent()));

    // Assess
    expect(canonical.duration_ms).toBe(7.741);
  });

  it('computes the duration of a long watch across seconds', () => {
    // Act
    const canonical = canonicalOf(
      sourceRecord(auditEvent({ verb: 'watch', requestReceivedTimestamp: '2026-11-20T14:03:07.412135Z', stageTimestamp: '2026-11-20T14:09:49.000001Z' })),
    );

    // Assess
    expect(canonical.duration_ms).toBe(401_587.866);
  });

  it('converts timestamps with a UTC offset to UTC, keeping the fraction', () => {
    // Act
    const canonical = canonicalOf(
      sourceRecord(auditEvent({ requestReceivedTimestamp: '2026-11-20T15:03:07.412135+01:00', stageTimestamp: '2026-11-20T09:03:07.419876123-05:00' })),
    );

    // Assess
    expect(canonical).toMatchObject({ start_time: '2026-11-20T14:03:07.412135Z', time: '2026-11-20T14:03:07.419876123Z', duration_ms: 7.741 });
  });

  it('takes time from the source envelope, and says so, when stageTimestamp is not a timestamp', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ stageTimestamp: 'Fri Nov 20 14:03:07 UTC 2026' }), { source_time: '2026-11-20T14:03:07.430Z' }));

    // Assess
    expect(canonical.time).toBe('2026-11-20T14:03:07.430Z');
    expect(canonical.parse_warnings).toEqual(['stageTimestamp: not an ISO-8601 timestamp', 'stageTimestamp unusable: time taken from source_time']);
  });

  it.each(['2026-11-20T25:03:07.419876Z', '2026-02-30T14:03:07.419876Z', '2026-11-20T14:60:07Z'])('reads the impossible timestamp %s as not a timestamp', (stageTimestamp) => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ stageTimestamp }), { source_time: '2026-11-20T14:03:07.430Z' }));

    // Assess
    expect(canonical.time).toBe('2026-11-20T14:03:07.430Z');
    expect(canonical.parse_warnings).toContain('stageTimestamp: not an ISO-8601 timestamp');
  });

  it('leaves duration_ms null when time came from the envelope rather than the event', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ stageTimestamp: undefined }), { source_time: '2026-11-20T14:03:09.000Z' }));

    // Assess
    expect(canonical).toMatchObject({ start_time: '2026-11-20T14:03:07.412135Z', time: '2026-11-20T14:03:09.000Z', duration_ms: null });
  });

  it('takes time from the ingest time when neither the event nor the envelope has one', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ stageTimestamp: undefined })));

    // Assess
    expect(canonical.time).toBe('2026-11-20T14:05:00.000Z');
    expect(canonical.parse_warnings).toEqual(['stageTimestamp missing: time taken from ingest_time']);
  });
});

describe('normalizer: mistyped fields', () => {
  it.each([
    ['user.username', { user: { username: 42, groups: ['developers'] } }, { user_name: null, user_type: null }, 'user.username: expected string, got number'],
    [
      'user.groups',
      { user: { username: 'alice@example.com', groups: 'developers' } },
      { user_groups: null, user_type: 'user' },
      'user.groups: expected array of strings, got string',
    ],
    ['sourceIPs', { sourceIPs: '203.0.113.10' }, { source_ips: null, src_ip: null }, 'sourceIPs: expected array of strings, got string'],
    ['objectRef', { objectRef: 'pods/default' }, { is_resource_request: false, object_resource: null }, 'objectRef: expected object, got string'],
    ['responseStatus.code', { responseStatus: { code: 'OK' } }, { response_code: null }, 'responseStatus.code: expected integer, got string'],
    ['responseStatus.code (past 2^53)', { responseStatus: { code: 1e20 } }, { response_code: null }, 'responseStatus.code: expected integer, got number'],
    ['verb', { verb: ['list'] }, { verb: null }, 'verb: expected string, got array'],
    ['annotations', { annotations: ['authorization.k8s.io/decision=allow'] }, { annotations: null, authz_decision: null }, 'annotations: expected object, got array'],
    ['level', { level: 'Verbose' }, { level: null }, 'level: unknown value "Verbose"'],
    ['requestReceivedTimestamp', { requestReceivedTimestamp: 1_795_701_787 }, { start_time: null, duration_ms: null }, 'requestReceivedTimestamp: expected string, got number'],
  ])('reads a mistyped %s as null with a parse warning, keeping the event', (_path, overrides, expected, warning) => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent(overrides)));

    // Assess
    expect(canonical).toMatchObject({ audit_id: '6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d', ...expected });
    expect(canonical.parse_warnings).toEqual([warning]);
  });

  it('drops mistyped entries of user.extra and annotations, keeping the rest', () => {
    // Act
    const canonical = canonicalOf(
      sourceRecord(
        auditEvent({
          user: { username: 'alice@example.com', extra: { oid: ['c8e1f4a7'], scopes: 'openid' } },
          annotations: { 'authorization.k8s.io/decision': 'allow', retries: 3 },
        }),
      ),
    );

    // Assess
    expect(canonical).toMatchObject({ user_extra: { oid: ['c8e1f4a7'] }, annotations: { 'authorization.k8s.io/decision': 'allow' } });
    expect(canonical.parse_warnings).toEqual(['user.extra.scopes: expected array of strings, got string', 'annotations.retries: expected string, got number']);
  });

  it('reads a response code written as a string, with a warning', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ responseStatus: { code: '403' } })));

    // Assess
    expect(canonical.response_code).toBe(403);
    expect(canonical.parse_warnings).toEqual(['responseStatus.code: coerced string to integer']);
  });
});

describe('normalizer: quarantine', () => {
  it.each([
    ['without auditID', { auditID: undefined }],
    ['with an empty auditID', { auditID: '' }],
    ['with a numeric auditID', { auditID: 6_281_907 }],
    ['without stage', { stage: undefined }],
    ['with an unknown stage', { stage: 'ResponseFinished' }],
  ])('quarantines an event %s as invalid_event', (_name, overrides) => {
    // Act
    const quarantine = quarantineOf(sourceRecord(auditEvent(overrides)));

    // Assess
    expect(quarantine.reason).toBe('invalid_event');
    expect(quarantine.detail).toMatch(/^expected auditID \(non-empty string\) and stage/);
  });

  it.each([
    ['a core/v1 Event', { kind: 'Event', apiVersion: 'v1', reason: 'BackOff', involvedObject: { kind: 'Pod', name: 'web-0' } }],
    ['a Pod', { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-0' } }],
    ['an object without any audit field', { level: 'info', msg: 'guard: request authorized' }],
    ['an array', [{ auditID: 'a', stage: 'ResponseComplete' }]],
    ['a string', 'ResponseComplete'],
    ['null', null],
  ])('quarantines JSON that is %s as not_audit_event', (_name, value) => {
    // Act
    const quarantine = quarantineOf(sourceRecord(JSON.stringify(value)));

    // Assess
    expect(quarantine.reason).toBe('not_audit_event');
  });

  it.each([
    ['plain text', 'I1120 10:00:03.417265       1 controller.go:615] quota admission added evaluator'],
    ['an object with a syntax error before its end', '{"kind":"Event","auditID":"6f8c3c2a" "stage":"ResponseComplete"}'],
    ['empty text', ''],
  ])('quarantines %s as invalid_json', (_name, text) => {
    // Act
    const quarantine = quarantineOf(sourceRecord(text));

    // Assess
    expect(quarantine.reason).toBe('invalid_json');
  });

  it('keeps the raw text and the provenance in the quarantine record', () => {
    // Prepare
    const record = sourceRecord('kube-apiserver: audit event lost', { source_offset: '17', source_time: '2026-11-20T14:03:07.430Z' });

    // Act
    const quarantine = quarantineOf(record);

    // Assess
    expect(quarantine).toMatchObject({
      raw: 'kube-apiserver: audit event lost',
      raw_sha256: createHash('sha256').update('kube-apiserver: audit event lost').digest('hex'),
      time: '2026-11-20T14:03:07.430Z',
      ...record.provenance,
    });
  });

  it('gives the same quarantine id to the same record delivered twice', () => {
    // Prepare
    const record = sourceRecord('not an audit event', { source_offset: '17' });

    // Act
    const first = quarantineOf(record);
    const again = quarantineOf({ ...record, provenance: { ...record.provenance, ingest_time: '2026-11-21T00:00:00.000Z' } });

    // Assess
    expect(again.quarantine_id).toBe(first.quarantine_id);
  });
});

describe('normalizer: provenance', () => {
  it('copies the provenance of an AKS record into the event', () => {
    // Prepare
    const batch = decodeEventHubMessages(eventHubMessages([eventHubBody([aksRecord(fixtureEvent('aks/aks-service-get-configmap.json'))])]), DECODER_CONTEXT);

    // Act
    const canonical = canonicalOf(batch.records[0]!);

    // Assess
    expect(canonical).toMatchObject({ ...batch.records[0]?.provenance, normalizer_version: KAUDIT_VERSION, is_truncated: false, parse_warnings: [] });
  });

  it('hashes the original event text, trailing newline and all, into raw_sha256', () => {
    // Prepare
    const text = `${JSON.stringify(fixtureEvent('aks/aks-service-get-configmap.json'))}\n`;

    // Act
    const canonical = canonicalOf(sourceRecord(text));

    // Assess
    expect(canonical.raw_sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
