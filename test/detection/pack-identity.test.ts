/**
 * The pack's rules on who is asking and from where: requests without credentials, the control
 * plane's identities and service account tokens used from public addresses or with hand tools.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { AuditEvent } from '../helpers/audit-events.ts';
import { canonicalEvent, resourceRequest } from './detection-builders.ts';
import { CONTROLLER_MANAGER, HUMAN_USER, NODE_USER, POD_ADDRESS, PUBLIC_ADDRESS, packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** A request as the API server audits it for the anonymous user: allowed (by RBAC) or forbidden. */
function anonymousRequest(uri: string, code: number, sourceIPs: string[], objectRef?: AuditEvent): CanonicalEvent {
  const forbidden = code === 403;
  return canonicalEvent({
    verb: 'get',
    requestURI: uri,
    user: ANONYMOUS,
    sourceIPs,
    userAgent: 'python-requests/2.31.0',
    objectRef,
    responseStatus: forbidden
      ? { metadata: {}, status: 'Failure', message: `forbidden: User "system:anonymous" cannot get path "${uri}"`, reason: 'Forbidden', code }
      : { metadata: {}, code },
    annotations: forbidden
      ? { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' }
      : {
          'authorization.k8s.io/decision': 'allow',
          'authorization.k8s.io/reason':
            'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
        },
  });
}

/** A token or certificate the API server did not accept: no user, no authorization. */
const REJECTED_TOKEN = canonicalEvent({
  verb: 'list',
  requestURI: '/api/v1/namespaces/kube-system/secrets',
  user: {},
  sourceIPs: [PUBLIC_ADDRESS],
  objectRef: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' },
  responseStatus: { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 },
  annotations: undefined,
});

const PODS = { resource: 'pods', namespace: 'default', apiVersion: 'v1' };
const LOAD_BALANCER = '10.0.4.21';

describe('Anonymous Request Allowed', () => {
  const rule = packRule('anonymous-request-allowed.yml');

  it.each<Case>([
    ['pods listed anonymously', anonymousRequest('/api/v1/namespaces/default/pods', 200, [PUBLIC_ADDRESS], PODS)],
    ['the API discovery read anonymously from inside', anonymousRequest('/apis', 200, [POD_ADDRESS])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['/version read anonymously', anonymousRequest('/version', 200, [PUBLIC_ADDRESS])],
    ['a load balancer health check', anonymousRequest('/healthz', 200, [LOAD_BALANCER])],
    ['a readiness probe with details', anonymousRequest('/readyz?verbose', 200, [LOAD_BALANCER])],
    ['the issuer discovery document', anonymousRequest('/.well-known/openid-configuration', 200, [PUBLIC_ADDRESS])],
    ['an anonymous request refused', anonymousRequest('/api/v1/namespaces/default/pods', 403, [PUBLIC_ADDRESS], PODS)],
    ['pods listed by a person', resourceRequest({ verb: 'list', resource: 'pods', namespace: 'default', user: HUMAN_USER })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('API Server Reached Without Credentials', () => {
  const rule = packRule('anonymous-request-refused-or-probing.yml');

  it.each<Case>([
    ['a scanner refused', anonymousRequest('/vendor/phpunit/src/Util/PHP/eval-stdin.php', 403, ['8.216.81.10'])],
    ['an anonymous read of pods refused inside the cluster', anonymousRequest('/api/v1/namespaces/default/pods', 403, [POD_ADDRESS], PODS)],
    ['a token the API server rejected', REJECTED_TOKEN],
    ['/version read from the internet', anonymousRequest('/version', 200, [PUBLIC_ADDRESS])],
    ['/healthz read from the internet', anonymousRequest('/healthz', 200, ['54.10.20.30'])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a load balancer health check from a private address', anonymousRequest('/healthz', 200, [LOAD_BALANCER])],
    ['a probe from loopback', anonymousRequest('/livez', 200, ['127.0.0.1'])],
    ['pods listed anonymously (the allowed rule covers it)', anonymousRequest('/api/v1/namespaces/default/pods', 200, [PUBLIC_ADDRESS], PODS)],
    ['a person refused', resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'kube-system', code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Control-Plane Identity Acting From A Public Address', () => {
  const rule = packRule('control-plane-identity-from-public-address.yml');
  const EKS_ADDON_MANAGER = {
    username: 'eks:addon-manager',
    groups: ['system:authenticated'],
    extra: { arn: ['arn:aws:sts::123456789012:assumed-role/AWSWesleyClusterManagerLambda-Add-AddonManagerRole-G332QAM69HWF/1669918824986835422'] },
  };
  const from = (user: AuditEvent, sourceIPs: string[], code?: number) =>
    resourceRequest({ verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'kube-proxy', user, sourceIPs, ...(code ? { code } : {}) });

  it.each<Case>([
    ["a node's credentials from the internet", from(NODE_USER, [PUBLIC_ADDRESS])],
    ["the controller manager's, refused", from(CONTROLLER_MANAGER, [PUBLIC_ADDRESS], 403)],
    ['a private address claimed in X-Forwarded-For, the connection from the internet', from(NODE_USER, [POD_ADDRESS, PUBLIC_ADDRESS])],
    ['an IPv6 address on the internet', from(NODE_USER, ['2a01:4f8:c2c:1234::1'])],
    ['eks:addon-manager as another role', from({ ...EKS_ADDON_MANAGER, extra: { arn: ['arn:aws:sts::123456789012:assumed-role/Attacker/x'] } }, ['35.163.244.48'])],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a node from the cluster network', from(NODE_USER, ['10.0.3.17'])],
    ['a public address claimed in X-Forwarded-For, the connection from the cluster', from(NODE_USER, [PUBLIC_ADDRESS, POD_ADDRESS])],
    ['the controller manager on loopback', from(CONTROLLER_MANAGER, ['127.0.0.1'])],
    ["EKS's add-on manager, run by AWS outside the cluster", from(EKS_ADDON_MANAGER, ['35.163.244.48'])],
    ['a person from the internet', from(HUMAN_USER, [PUBLIC_ADDRESS])],
    ['a service account from the internet (its own rule)', from(serviceAccountUser('kube-system', 'coredns'), [PUBLIC_ADDRESS])],
    ['a source that is no address', from(NODE_USER, ['not-an-ip'])],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Service Account Token Used From A Public Address', () => {
  const rule = packRule('serviceaccount-from-public-address.yml');
  const coredns = serviceAccountUser('kube-system', 'coredns');
  const from = (sourceIPs: string[], code?: number) =>
    resourceRequest({ verb: 'watch', resource: 'endpointslices', group: 'discovery.k8s.io', user: coredns, sourceIPs, userAgent: 'coredns/1.11.3', ...(code ? { code } : {}) });

  it.each<Case>([
    ['an allowed watch from the internet', from([PUBLIC_ADDRESS])],
    ['a refused one from the internet', from([PUBLIC_ADDRESS], 403)],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['the pod from its own address', from([POD_ADDRESS])],
    ['a person from the internet', resourceRequest({ verb: 'get', resource: 'pods', namespace: 'shop', user: HUMAN_USER, sourceIPs: [PUBLIC_ADDRESS] })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Service Account Token Used With kubectl Or curl', () => {
  const rule = packRule('serviceaccount-with-client-tool.yml');
  const web = serviceAccountUser('shop', 'web');
  const sentBy = (userAgent: string, user: AuditEvent = web) => resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'shop', user, userAgent });

  it.each(['kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', 'curl/8.5.0', 'python-requests/2.31.0', 'Wget/1.21.4'])(
    'fires on a service account token sent by %s',
    (userAgent) => {
      // Assess
      expect(rule.matches(sentBy(userAgent))).toBe(true);
    },
  );

  it.each<Case>([
    ['the application the token is for', sentBy('shop-web/2.4.1 (linux/amd64) kubernetes/v0.31.2')],
    ['a person with kubectl', sentBy('kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46', HUMAN_USER)],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
