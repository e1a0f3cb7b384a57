/** The pack's rules on service account tokens made: TokenRequests and long-lived token Secrets. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { AuditEvent } from '../helpers/audit-events.ts';
import { resourceRequest } from './detection-builders.ts';
import { CONTROLLER_MANAGER, NODE_USER, packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

/** `kubectl create token NAME` (or a kubelet's request for a pod), as audited at Request level. */
function tokenRequest(namespace: string, name: string, user?: AuditEvent, code?: number): CanonicalEvent {
  return resourceRequest({
    verb: 'create',
    resource: 'serviceaccounts',
    namespace,
    name,
    subresource: 'token',
    requestObject: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: null, expirationSeconds: 86400, boundObjectRef: null },
      status: { token: '', expirationTimestamp: null },
    },
    ...(user ? { user } : {}),
    ...(code ? { code } : {}),
  });
}

describe('Service Account Token Requested', () => {
  const rule = packRule('serviceaccount-token-requested.yml');

  it.each<Case>([
    ['kubectl create token by a person', tokenRequest('shop', 'deployer')],
    ['a person minting a token for a kube-system account', tokenRequest('kube-system', 'clusterrole-aggregation-controller')],
    ['the controller manager minting one in an application namespace', tokenRequest('shop', 'deployer', CONTROLLER_MANAGER)],
    ["a workload's service account minting one for another", tokenRequest('payments', 'stripe-sync', serviceAccountUser('ci', 'runner'))],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ["a kubelet's token for a pod it runs", tokenRequest('shop', 'web', NODE_USER)],
    ['the controller manager in kube-system', tokenRequest('kube-system', 'replicaset-controller', CONTROLLER_MANAGER)],
    ['a token request refused', tokenRequest('shop', 'deployer', undefined, 403)],
    [
      'a service account created',
      resourceRequest({
        verb: 'create',
        resource: 'serviceaccounts',
        namespace: 'shop',
        requestObject: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer' } },
      }),
    ],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Long-Lived Service Account Token Created', () => {
  const rule = packRule('serviceaccount-token-secret-created.yml');
  const secret = (type: string, user?: AuditEvent) =>
    resourceRequest({
      verb: 'create',
      resource: 'secrets',
      namespace: 'shop',
      requestObject: {
        apiVersion: 'v1',
        kind: 'Secret',
        type,
        metadata: { name: 'deployer-token', namespace: 'shop', annotations: { 'kubernetes.io/service-account.name': 'deployer' } },
      },
      ...(user ? { user } : {}),
    });

  it('fires on a token Secret created by a person', () => {
    // Assess
    expect(rule.matches(secret('kubernetes.io/service-account-token'))).toBe(true);
  });

  it.each<Case>([
    ['an Opaque Secret', secret('Opaque')],
    ['a token Secret made by the control plane (before Kubernetes 1.24)', secret('kubernetes.io/service-account-token', CONTROLLER_MANAGER)],
    ['a Secret recorded without its body', resourceRequest({ verb: 'create', resource: 'secrets', namespace: 'shop' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
