/** The pack's rules on what the cluster opens to the network: NodePort Services and Ingresses without TLS. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { resourceRequest } from './detection-builders.ts';
import { packRule } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

function serviceWritten(type: string | undefined, request: { verb?: string; code?: number } = {}) {
  const spec = { ...(type ? { type } : {}), selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, ...(type === 'NodePort' ? { nodePort: 30080 } : {}) }] };
  return resourceRequest({
    verb: 'create',
    resource: 'services',
    namespace: 'shop',
    requestObject: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec },
    ...(request.verb && request.verb !== 'create' ? { name: 'web' } : {}),
    ...request,
  });
}

describe('NodePort Service Created Or Changed', () => {
  const rule = packRule('service-nodeport.yml');

  it.each<Case>([
    ['a NodePort Service created', serviceWritten('NodePort')],
    ['a Service patched to NodePort', resourceRequest({ verb: 'patch', resource: 'services', namespace: 'shop', name: 'web', requestObject: { spec: { type: 'NodePort' } } })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a ClusterIP Service (no type given)', serviceWritten(undefined)],
    ['a LoadBalancer Service', serviceWritten('LoadBalancer')],
    ['a NodePort Service that already exists (409)', serviceWritten('NodePort', { code: 409 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Ingress Without TLS Created', () => {
  const rule = packRule('ingress-without-tls.yml');
  const rules = [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }];
  const ingress = (spec: Record<string, unknown>, namespace = 'shop', code?: number) =>
    resourceRequest({
      verb: 'create',
      resource: 'ingresses',
      group: 'networking.k8s.io',
      namespace,
      requestObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace }, spec: { ingressClassName: 'nginx', ...spec } },
      ...(code ? { code } : {}),
    });

  it.each<Case>([
    ['an Ingress with rules and no tls', ingress({ rules })],
    ['an Ingress with an empty tls list', ingress({ rules, tls: [] })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['an Ingress with TLS', ingress({ rules, tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }] })],
    ['an Ingress without TLS in kube-system', ingress({ rules }, 'kube-system')],
    ['an Ingress without TLS refused', ingress({ rules }, 'shop', 403)],
    ['an Ingress recorded without its body', resourceRequest({ verb: 'create', resource: 'ingresses', group: 'networking.k8s.io', namespace: 'shop' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
