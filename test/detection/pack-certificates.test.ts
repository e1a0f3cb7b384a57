/** The pack's rules on CertificateSigningRequests: client certificates asked for, and approvals outside the control plane. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { AuditEvent } from '../helpers/audit-events.ts';
import { resourceRequest } from './detection-builders.ts';
import { CONTROLLER_MANAGER, NODE_USER, packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const CERTIFICATES = 'certificates.k8s.io';

function csrCreated(spec: Record<string, unknown>, user?: AuditEvent, code?: number): CanonicalEvent {
  return resourceRequest({
    verb: 'create',
    resource: 'certificatesigningrequests',
    group: CERTIFICATES,
    requestObject: {
      apiVersion: `${CERTIFICATES}/v1`,
      kind: 'CertificateSigningRequest',
      metadata: { name: 'mallory' },
      spec: { request: 'LS0tLS1CRUdJTi…', expirationSeconds: 31536000, ...spec },
    },
    ...(user ? { user } : {}),
    ...(code ? { code } : {}),
  });
}

function approval(user?: AuditEvent, condition = 'Approved'): CanonicalEvent {
  return resourceRequest({
    verb: 'update',
    resource: 'certificatesigningrequests',
    group: CERTIFICATES,
    name: 'mallory',
    subresource: 'approval',
    requestObject: {
      apiVersion: `${CERTIFICATES}/v1`,
      kind: 'CertificateSigningRequest',
      metadata: { name: 'mallory' },
      status: { conditions: [{ type: condition, status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' }] },
    },
    ...(user ? { user } : {}),
  });
}

describe('Client Certificate Requested From The Cluster', () => {
  const rule = packRule('csr-client-certificate-requested.yml');

  it.each<Case>([
    ['a CSR for the API server client signer', csrCreated({ signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] })],
    [
      'a CSR with the client auth usage for another signer',
      csrCreated({ signerName: 'example.com/internal-ca', usages: ['digital signature', 'key encipherment', 'client auth'] }),
    ],
    ['one made by a service account', csrCreated({ signerName: 'kubernetes.io/kube-apiserver-client' }, serviceAccountUser('default', 'compromised'))],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    [
      "a kubelet's client certificate",
      csrCreated(
        { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
        { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] },
      ),
    ],
    ['a serving certificate', csrCreated({ signerName: 'kubernetes.io/kubelet-serving', usages: ['server auth'] }, NODE_USER)],
    ['a client CSR refused', csrCreated({ signerName: 'kubernetes.io/kube-apiserver-client' }, undefined, 403)],
    ['one made by the control plane', csrCreated({ signerName: 'kubernetes.io/kube-apiserver-client' }, CONTROLLER_MANAGER)],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Certificate Signing Request Approved Outside The Control Plane', () => {
  const rule = packRule('csr-approved-by-person.yml');

  it('fires on kubectl certificate approve by a person', () => {
    // Assess
    expect(rule.matches(approval())).toBe(true);
  });

  it.each<Case>([
    ['kubectl certificate deny', approval(undefined, 'Denied')],
    ["EKS's approver", approval({ username: 'eks:certificate-controller', groups: ['system:authenticated'] })],
    ["kube-controller-manager's approver", approval(serviceAccountUser('kube-system', 'certificate-controller'))],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
