/**
 * The API server records each mutating webhook's JSON Patch in an audit annotation
 * (`patch.webhook.admission.k8s.io/round_N_index_M`); a patch to a Secret carries its values.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { BUILTIN_REDACTIONS } from '../../shared/transforms/redaction/redaction-rules.ts';
import { createRedactor, redactionTransform } from '../../shared/transforms/redaction/redactor.ts';
import { quarantineScrubber } from '../../shared/transforms/redaction/scrub-quarantine.ts';
import { auditEvent, canonicalOf, quarantineOf, sourceRecord } from '../helpers/audit-events.ts';
import { API_KEY, admissionPatchAnnotation, base64, dbSecret, INJECTED_PASSWORD, injectingPatch, secretEvent, secretsIn } from './secret-events.ts';

const redactor = createRedactor(BUILTIN_REDACTIONS);
const redact = redactionTransform(redactor);
const PATCH_KEY = 'patch.webhook.admission.k8s.io/round_0_index_0';

function redacted(event: Record<string, unknown>): CanonicalEvent {
  const result = redact(canonicalOf(sourceRecord(event)));
  if ('skip' in result) throw new Error('redaction never skips an event');
  return result;
}

function patchAnnotationOf(event: CanonicalEvent): unknown {
  return JSON.parse(event.annotations?.[PATCH_KEY] as string);
}

describe('webhook patch annotations', () => {
  it('have the values a webhook patched into a Secret redacted, keeping the webhook, the operations and their paths', () => {
    // Prepare
    const event = secretEvent('mutated', 'create', { requestObject: dbSecret(), annotations: admissionPatchAnnotation(injectingPatch()) });

    // Act
    const result = redacted(event);

    // Assess
    expect(secretsIn(JSON.stringify(result.annotations))).toEqual([]);
    expect(patchAnnotationOf(result)).toEqual({
      configuration: 'secret-injector.example.com',
      webhook: 'inject.secret-injector.example.com',
      patch: [{ op: 'add', path: '/data/sidecar-password', value: REDACTED }],
      patchType: 'JSONPatch',
    });
    expect(result.annotations?.['mutation.webhook.admission.k8s.io/round_0_index_0']).toBe(
      event.annotations && (event.annotations as Record<string, string>)['mutation.webhook.admission.k8s.io/round_0_index_0'],
    );
  });

  it('have each operation redacted as the place it writes to asks: the whole object, stringData, not a label', () => {
    // Prepare
    const patch = [
      { op: 'replace', path: '', value: { kind: 'Secret', data: { password: base64(INJECTED_PASSWORD) } } },
      { op: 'add', path: '/stringData', value: { 'api-key': API_KEY } },
      { op: 'add', path: '/metadata/labels/injected', value: 'true' },
    ];
    const event = secretEvent('mutated', 'update', { annotations: admissionPatchAnnotation(patch, 1, 2) });

    // Act
    const result = redacted(event);

    // Assess
    expect(JSON.parse(result.annotations?.['patch.webhook.admission.k8s.io/round_1_index_2'] as string)).toMatchObject({
      patch: [
        { path: '', value: { kind: 'Secret', data: { password: REDACTED } } },
        { path: '/stringData', value: { 'api-key': REDACTED } },
        { path: '/metadata/labels/injected', value: 'true' },
      ],
    });
  });

  it('are redacted by the kind of the object patched when the resource has no rule of its own', () => {
    // Prepare
    const event = auditEvent({
      level: 'Request',
      verb: 'create',
      requestURI: '/apis/bundles.example.com/v1/namespaces/shop/bundles',
      objectRef: { resource: 'bundles', apiGroup: 'bundles.example.com', namespace: 'shop', apiVersion: 'v1' },
      requestObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'x' } },
      annotations: admissionPatchAnnotation(injectingPatch()),
    });

    // Act
    const result = redacted(event);

    // Assess
    expect(patchAnnotationOf(result)).toMatchObject({ patch: [{ value: REDACTED }] });
  });

  it('are kept as they are for a resource no rule names', () => {
    // Prepare
    const sidecar = [{ op: 'add', path: '/spec/containers/-', value: { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' } }];
    const event = auditEvent({ level: 'Request', verb: 'create', requestURI: '/api/v1/namespaces/shop/pods', annotations: admissionPatchAnnotation(sidecar) });
    const canonical = canonicalOf(sourceRecord(event));

    // Act
    const result = redact(canonical);

    // Assess
    expect(result).toBe(canonical);
  });

  it.each([
    ['text that is not JSON', `{"configuration":"secret-injector.example.com","patch":[{"op":"add","path":"/data/x","value":"${base64(INJECTED_PASSWORD)}"`],
    ['JSON that is not an object', JSON.stringify([{ op: 'add', path: '/data/x', value: base64(INJECTED_PASSWORD) }])],
  ])('holding %s are replaced whole when the resource has rules', (_name, value) => {
    // Prepare
    const event = secretEvent('mutated', 'create', { annotations: { [PATCH_KEY]: value } });

    // Act
    const result = redacted(event);

    // Assess
    expect(result.annotations?.[PATCH_KEY]).toBe(REDACTED);
  });

  it('are redacted in the raw text of a quarantined audit event', () => {
    // Prepare
    const event = { ...secretEvent('mutated', 'create', { annotations: admissionPatchAnnotation(injectingPatch()) }), stage: 'Sent' };
    const quarantine = quarantineOf(sourceRecord(event));

    // Act
    const scrubbed = quarantineScrubber(redactor)(quarantine);

    // Assess
    expect(secretsIn(scrubbed.raw as string)).toEqual([]);
    const annotations = (JSON.parse(scrubbed.raw as string) as { annotations: Record<string, string> }).annotations;
    expect(JSON.parse(annotations[PATCH_KEY] as string)).toMatchObject({ patch: [{ path: '/data/sidecar-password', value: REDACTED }] });
  });
});
