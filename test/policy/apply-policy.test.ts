/** Re-applying a policy to canonical events: what is dropped, what is lowered, what is stripped. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { policyTransform } from '../../shared/transforms/policy/apply-policy.ts';
import type { PolicyRule } from '../../shared/transforms/policy/policy-schema.ts';
import { type AuditEvent, auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';
import { type PolicyDefaults, policyOf } from './policy-builders.ts';

const MANAGED_FIELDS = [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }];
const CONFIGMAP = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'settings', namespace: 'shop', managedFields: MANAGED_FIELDS }, data: { mode: 'fast' } };

/** An `update configmaps` recorded at RequestResponse, bodies included. */
function configMapUpdate(overrides: AuditEvent = {}): CanonicalEvent {
  return canonicalOf(
    sourceRecord(
      auditEvent({
        level: 'RequestResponse',
        verb: 'update',
        requestURI: '/api/v1/namespaces/shop/configmaps/settings',
        objectRef: { resource: 'configmaps', namespace: 'shop', name: 'settings', apiVersion: 'v1' },
        requestObject: CONFIGMAP,
        responseObject: CONFIGMAP,
        ...overrides,
      }),
    ),
  );
}

function apply(rules: PolicyRule[], event: CanonicalEvent, defaults: PolicyDefaults = {}) {
  return policyTransform(policyOf(rules, defaults))(event);
}

function kept(result: CanonicalEvent | { skip: string }): CanonicalEvent {
  if ('skip' in result) throw new Error(`expected the event to be kept, it was skipped: ${result.skip}`);
  return result;
}

describe('applying a policy', () => {
  it('skips an event whose level is None, with reason policy', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = apply([{ level: 'None', resources: [{ resources: ['configmaps'] }] }, { level: 'Metadata' }], event);

    // Assess
    expect(result).toEqual({ skip: 'policy' });
  });

  it('skips an event no rule matches, since that is level None', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = apply([{ level: 'Metadata', verbs: ['delete'] }], event);

    // Assess
    expect(result).toEqual({ skip: 'policy' });
  });

  it('skips an event of an omitted stage, with reason omitted_stage', () => {
    // Prepare
    const event = configMapUpdate({ stage: 'RequestReceived' });

    // Act
    const result = apply([{ level: 'RequestResponse', omitStages: ['RequestReceived'] }], event);

    // Assess
    expect(result).toEqual({ skip: 'omitted_stage' });
  });

  it('lowered to Metadata, drops both bodies and says Metadata', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = kept(apply([{ level: 'Metadata' }], event));

    // Assess
    expect(result).toMatchObject({ level: 'Metadata', request_object: null, response_object: null, parse_warnings: [] });
  });

  it("lowered to Metadata, drops the mutating webhooks' patch annotations, which the API server records at Request and above", () => {
    // Prepare
    const patch = JSON.stringify({ configuration: 'injector', webhook: 'inject.example.com', patch: [{ op: 'add', path: '/data/mode', value: 'slow' }], patchType: 'JSONPatch' });
    const event = configMapUpdate({
      annotations: {
        'authorization.k8s.io/decision': 'allow',
        'mutation.webhook.admission.k8s.io/round_0_index_0': '{"configuration":"injector","webhook":"inject.example.com","mutated":true}',
        'patch.webhook.admission.k8s.io/round_0_index_0': patch,
      },
    });

    // Act
    const metadata = kept(apply([{ level: 'Metadata' }], event));
    const request = kept(apply([{ level: 'Request' }], event));

    // Assess
    expect(Object.keys(metadata.annotations ?? {})).toEqual(['authorization.k8s.io/decision', 'mutation.webhook.admission.k8s.io/round_0_index_0']);
    expect(request.annotations).toEqual(event.annotations);
  });

  it('lowered to Request, drops the response body only', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = kept(apply([{ level: 'Request' }], event));

    // Assess
    expect(result).toMatchObject({ level: 'Request', request_object: CONFIGMAP, response_object: null });
  });

  it('asking for more than was recorded keeps the event as recorded and warns, naming the rule', () => {
    // Prepare
    const event = configMapUpdate({ level: 'Metadata', requestObject: undefined, responseObject: undefined });

    // Act
    const result = kept(apply([{ level: 'None', verbs: ['get'] }, { level: 'RequestResponse' }], event));

    // Assess
    expect(result.level).toBe('Metadata');
    expect(result.parse_warnings).toEqual(['policy: rules[1] asks for level RequestResponse, above the recorded Metadata: level kept']);
  });

  it('keeping the recorded level returns the event itself, unchanged', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = apply([{ level: 'RequestResponse' }], event);

    // Assess
    expect(result).toBe(event);
  });

  it('bounds an event of unknown level by the policy level', () => {
    // Prepare
    const event = configMapUpdate({ level: 'Verbose' });

    // Act
    const result = kept(apply([{ level: 'Request' }], event));

    // Assess
    expect(result).toMatchObject({ level: 'Request', request_object: CONFIGMAP, response_object: null });
  });
});

describe('omitManagedFields', () => {
  it('strips metadata.managedFields from request and response objects, keeping the rest', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = kept(apply([{ level: 'RequestResponse', omitManagedFields: true }], event));

    // Assess
    const { managedFields: _, ...metadata } = CONFIGMAP.metadata;
    expect(result.request_object).toEqual({ ...CONFIGMAP, metadata });
    expect(result.response_object).toEqual({ ...CONFIGMAP, metadata });
    expect(event.request_object).toEqual(CONFIGMAP);
  });

  it('strips them from the items of a list and the objects of a Table', () => {
    // Prepare
    const list = { kind: 'ConfigMapList', apiVersion: 'v1', metadata: {}, items: [CONFIGMAP, CONFIGMAP] };
    const table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', rows: [{ cells: ['settings'], object: CONFIGMAP }] };
    const event = configMapUpdate({ verb: 'list', requestObject: undefined, responseObject: list });
    const tableEvent = configMapUpdate({ verb: 'list', requestObject: undefined, responseObject: table });
    const rules: PolicyRule[] = [{ level: 'RequestResponse' }];

    // Act
    const listResult = kept(apply(rules, event, { omitManagedFields: true }));
    const tableResult = kept(apply(rules, tableEvent, { omitManagedFields: true }));

    // Assess
    expect(JSON.stringify([listResult.response_object, tableResult.response_object])).not.toContain('managedFields');
    expect(listResult.response_object).toMatchObject({ items: [{ data: { mode: 'fast' } }, { data: { mode: 'fast' } }] });
  });

  it('leaves a patch body as the client sent it', () => {
    // Prepare
    const patch = { metadata: { managedFields: null }, data: { mode: 'safe' } };
    const event = configMapUpdate({ verb: 'patch', requestObject: patch });

    // Act
    const result = kept(apply([{ level: 'RequestResponse', omitManagedFields: true }], event));

    // Assess
    expect(result.request_object).toEqual(patch);
    expect(JSON.stringify(result.response_object)).not.toContain('managedFields');
  });

  it('a rule saying false keeps them though the policy says true', () => {
    // Prepare
    const event = configMapUpdate();

    // Act
    const result = apply([{ level: 'RequestResponse', omitManagedFields: false }], event, { omitManagedFields: true });

    // Assess
    expect(result).toBe(event);
  });
});
