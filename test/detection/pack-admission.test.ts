/** The pack's rule on admission control: webhooks and admission policies created, changed or deleted. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { AuditEvent } from '../helpers/audit-events.ts';
import { resourceRequest } from './detection-builders.ts';
import { packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const ADMISSION = 'admissionregistration.k8s.io';
const WEBHOOK = {
  apiVersion: `${ADMISSION}/v1`,
  kind: 'MutatingWebhookConfiguration',
  metadata: { name: 'pod-defaults' },
  webhooks: [
    {
      name: 'defaults.example.com',
      clientConfig: { url: 'https://198.51.100.7/mutate' },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    },
  ],
};

const admission = (verb: string, resource: string, request: { name?: string; user?: AuditEvent; code?: number } = {}) =>
  resourceRequest({
    verb,
    resource,
    group: ADMISSION,
    ...(verb === 'create' ? { requestObject: WEBHOOK } : verb === 'list' ? {} : { name: request.name ?? 'pod-defaults' }),
    ...request,
  });

describe('Admission Webhook Or Policy Changed', () => {
  const rule = packRule('admission-webhook-changed.yml');

  it.each<Case>([
    ['a mutating webhook created', admission('create', 'mutatingwebhookconfigurations')],
    ["a validating webhook's rules patched", admission('patch', 'validatingwebhookconfigurations', { name: 'gatekeeper-validating-webhook-configuration' })],
    ['a validating webhook deleted', admission('delete', 'validatingwebhookconfigurations', { name: 'kyverno-resource-validating-webhook-cfg' })],
    ['an admission policy binding deleted', admission('delete', 'validatingadmissionpolicybindings', { name: 'deny-privileged-binding' })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['webhooks listed', admission('list', 'mutatingwebhookconfigurations')],
    ['a webhook created and refused', admission('create', 'validatingwebhookconfigurations', { code: 403 })],
    [
      "an admission policy's status written by its controller",
      resourceRequest({
        verb: 'update',
        resource: 'validatingadmissionpolicies',
        group: ADMISSION,
        name: 'deny-privileged',
        subresource: 'status',
        user: serviceAccountUser('kube-system', 'validatingadmissionpolicy-status-controller'),
      }),
    ],
    [
      'a ConfigMap created',
      resourceRequest({
        verb: 'create',
        resource: 'configmaps',
        namespace: 'shop',
        requestObject: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { mode: 'fast' } },
      }),
    ],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
