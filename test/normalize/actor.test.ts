import { describe, expect, it } from 'vitest';
import { auditEvent, canonicalOf, fixtureEvent, sourceRecord } from '../helpers/audit-events.ts';

const canonicalOfFixture = (name: string) => canonicalOf(sourceRecord(fixtureEvent(name)));
const withUser = (user: Record<string, unknown>) => canonicalOf(sourceRecord(auditEvent({ user })));

describe('actor fields', () => {
  it.each([
    ['eks/sso-admin-get-aws-auth.json', 'user'],
    ['eks/iam-user-forbidden-list-secrets.json', 'user'],
    ['eks/node-patch-node-status.json', 'node'],
    ['eks/service-account-watch-endpointslices.json', 'service_account'],
    ['eks/anonymous-get-version.json', 'anonymous'],
    ['eks/eks-certificate-controller-list-csrs.json', 'system'],
    ['aks/aks-service-get-configmap.json', 'system'],
    ['aks/masterclient-list-nodes.json', 'system'],
    ['aks/aad-user-exec-into-pod.json', 'user'],
    ['aks/service-account-list-pods.json', 'service_account'],
    ['aks/node-update-lease.json', 'node'],
  ])('classifies the user of %s as %s', (fixture, userType) => {
    // Act
    const canonical = canonicalOfFixture(fixture);

    // Assess
    expect(canonical.user_type).toBe(userType);
  });

  it.each([
    ['system:kube-controller-manager', 'system'],
    ['system:apiserver', 'system'],
    ['eks:addon-manager', 'system'],
    ['nodeclient', 'system'],
    ['oidc:jordan', 'user'],
    ['systemadmin@example.com', 'user'],
  ])('classifies %s as %s', (username, userType) => {
    // Act
    const canonical = withUser({ username, groups: ['system:authenticated'] });

    // Assess
    expect(canonical.user_type).toBe(userType);
  });

  it('classifies any user in the group system:unauthenticated as anonymous', () => {
    // Act
    const canonical = withUser({ username: 'guest', groups: ['system:unauthenticated'] });

    // Assess
    expect(canonical.user_type).toBe('anonymous');
  });

  it('leaves user_type null when the event names no user', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ user: undefined })));

    // Assess
    expect(canonical).toMatchObject({ user_name: null, user_groups: null, user_type: null });
  });

  it('splits a service account user into sa_namespace and sa_name', () => {
    // Act
    const canonical = canonicalOfFixture('eks/service-account-watch-endpointslices.json');

    // Assess
    expect(canonical).toMatchObject({ sa_namespace: 'kube-system', sa_name: 'coredns' });
  });

  it('leaves sa_namespace and sa_name null for other users and for a malformed service account name', () => {
    // Act
    const human = canonicalOfFixture('aks/aad-user-exec-into-pod.json');
    const malformed = withUser({ username: 'system:serviceaccount:kube-system' });

    // Assess
    expect(human).toMatchObject({ sa_namespace: null, sa_name: null });
    expect(malformed).toMatchObject({ user_type: 'service_account', sa_namespace: null, sa_name: null });
  });

  it('takes the AWS principal from user.extra of an EKS user, preferring canonicalArn', () => {
    // Act
    const canonical = canonicalOfFixture('eks/sso-admin-get-aws-auth.json');

    // Assess
    expect(canonical).toMatchObject({
      cloud_principal_arn: 'arn:aws:iam::123456789012:role/AWSReservedSSO_PlatformAdmin_4f8a2c1d9e3b7a60',
      cloud_principal_id: 'AROARZ7XEXAMPLE4PLATF',
      cloud_session_name: 'maria.garcia@example.com',
      cloud_access_key_id: 'ASIARZ7XEXAMPLEKEY01',
    });
  });

  it('takes the AWS principal of an EKS node from its instance role session', () => {
    // Act
    const canonical = canonicalOfFixture('eks/node-patch-node-status.json');

    // Assess
    expect(canonical).toMatchObject({
      cloud_principal_arn: 'arn:aws:iam::123456789012:role/eks-prod-eu-node-role',
      cloud_session_name: 'i-0a1b2c3d4e5f60718',
    });
  });

  it('falls back to arn when user.extra has no canonicalArn', () => {
    // Act
    const canonical = withUser({
      username: 'arn:aws:sts::123456789012:assumed-role/gitlab-runner/1732096442',
      extra: { arn: ['arn:aws:sts::123456789012:assumed-role/gitlab-runner/1732096442'], sessionName: ['1732096442'] },
    });

    // Assess
    expect(canonical).toMatchObject({
      cloud_principal_arn: 'arn:aws:sts::123456789012:assumed-role/gitlab-runner/1732096442',
      cloud_principal_id: null,
      cloud_session_name: '1732096442',
      cloud_access_key_id: null,
    });
  });

  it('writes the empty session name of an IAM user as null', () => {
    // Act
    const canonical = canonicalOfFixture('eks/iam-user-forbidden-list-secrets.json');

    // Assess
    expect(canonical).toMatchObject({ cloud_principal_arn: 'arn:aws:iam::123456789012:user/ci-deployer', cloud_session_name: null });
  });

  it('leaves the cloud principal null for users without AWS extra', () => {
    // Act
    const canonical = canonicalOfFixture('aks/aad-user-exec-into-pod.json');

    // Assess
    expect(canonical).toMatchObject({ cloud_principal_arn: null, cloud_principal_id: null, cloud_session_name: null, cloud_access_key_id: null });
  });

  it('keeps user.extra keys verbatim', () => {
    // Prepare
    const event = fixtureEvent('eks/service-account-watch-endpointslices.json');

    // Act
    const canonical = canonicalOf(sourceRecord(event));

    // Assess
    expect(canonical.user_extra).toEqual((event.user as { extra: unknown }).extra);
    expect(Object.keys(canonical.user_extra ?? {})).toContain('authentication.kubernetes.io/pod-name');
  });

  it('reads the impersonated user', () => {
    // Act
    const canonical = canonicalOf(sourceRecord(auditEvent({ impersonatedUser: { username: 'system:serviceaccount:payments:deployer', groups: ['system:serviceaccounts'] } })));

    // Assess
    expect(canonical).toMatchObject({ impersonated_user_name: 'system:serviceaccount:payments:deployer', impersonated_user_groups: ['system:serviceaccounts'] });
  });
});
