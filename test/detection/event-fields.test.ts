/** Which value of the canonical event a rule's field name reads: audit Event paths, JSON bodies, annotations, canonical columns. */
import { describe, expect, it } from 'vitest';
import { canonicalEvent, HUMAN_USER, podObject, resourceRequest, selectionFires } from './detection-builders.ts';

const PRIVILEGED_SIDECAR = podObject('web-7d9f', 'shop', {
  containers: [
    { name: 'web', image: 'registry.example.com/shop/web:2.3.1', securityContext: { privileged: false } },
    { name: 'debug', image: 'docker.io/library/alpine:3.20', securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_RAW'] } } },
  ],
});

describe('audit Event paths', () => {
  it('user.username, user.groups and objectRef.* read the identity and the target', () => {
    // Prepare
    const event = resourceRequest({ verb: 'delete', resource: 'configmaps', namespace: 'shop', name: 'checkout-flags' });

    // Act
    const fires = selectionFires(
      { 'user.username': HUMAN_USER.username, 'user.groups': 'developers', 'objectRef.resource': 'configmaps', 'objectRef.namespace': 'shop', 'objectRef.name': 'checkout-flags' },
      event,
    );

    // Assess
    expect(fires).toBe(true);
  });

  it('impersonatedUser.username reads the identity acted as', () => {
    // Prepare
    const event = canonicalEvent({ impersonatedUser: { username: 'system:admin', groups: ['system:masters'] } });

    // Act
    const fires = selectionFires({ 'impersonatedUser.username': 'system:admin', 'impersonatedUser.groups': 'system:masters' }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('objectRef.apiGroup is "" for the core group, as audit events and Sigma rules write it', () => {
    // Prepare
    const secrets = resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'payments' });

    // Act
    const fires = [
      selectionFires({ 'objectRef.apiGroup': '' }, secrets),
      selectionFires({ 'objectRef.apiGroup': 'core' }, secrets),
      selectionFires({ object_api_group: 'core' }, secrets),
    ];

    // Assess
    expect(fires).toEqual([true, false, true]);
  });

  it('objectRef.apiGroup is the named group otherwise', () => {
    // Prepare
    const binding = resourceRequest({ verb: 'create', resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io', name: 'ops-admin' });

    // Act
    const fires = selectionFires({ 'objectRef.apiGroup': 'rbac.authorization.k8s.io' }, binding);

    // Assess
    expect(fires).toBe(true);
  });

  it('objectRef.apiGroup is absent for a non-resource request', () => {
    // Prepare
    const version = canonicalEvent({ verb: 'get', requestURI: '/version', objectRef: undefined });

    // Act
    const fires = [selectionFires({ 'objectRef.apiGroup': null }, version), selectionFires({ 'objectRef.apiGroup': '' }, version)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});

describe('annotations and user.extra', () => {
  it('the rest of the name after annotations. is one key, dots and slashes included', () => {
    // Prepare
    const forbidden = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe', code: 403 });

    // Act
    const fires = [
      selectionFires({ 'annotations.authorization.k8s.io/decision': 'forbid' }, forbidden),
      selectionFires({ 'annotations.authorization.k8s.io/decision': 'allow' }, forbidden),
    ];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('the rest of the name after user.extra. is one key, and its values a list', () => {
    // Prepare
    const event = canonicalEvent({ user: { ...HUMAN_USER, extra: { 'authentication.kubernetes.io/pod-name': ['build-agent-0'], sessionName: ['alice-4f2a'] } } });

    // Act
    const fires = [
      selectionFires({ 'user.extra.authentication.kubernetes.io/pod-name|startswith': 'build-agent' }, event),
      selectionFires({ 'user_extra.sessionName': 'alice-4f2a' }, event),
    ];

    // Assess
    expect(fires).toEqual([true, true]);
  });
});

describe('requestObject and responseObject paths', () => {
  const created = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: PRIVILEGED_SIDECAR });

  it('walk through objects to a value', () => {
    // Act
    const fires = selectionFires({ 'requestObject.metadata.labels.run': 'web-7d9f' }, created);

    // Assess
    expect(fires).toBe(true);
  });

  it("fan out over arrays: any container's value can match", () => {
    // Act
    const fires = [
      selectionFires({ 'requestObject.spec.containers.securityContext.privileged': true }, created),
      selectionFires({ 'requestObject.spec.containers.securityContext.capabilities.add': 'SYS_ADMIN' }, created),
      selectionFires({ 'requestObject.spec.containers.securityContext.capabilities.add': 'SYS_PTRACE' }, created),
    ];

    // Assess
    expect(fires).toEqual([true, true, false]);
  });

  it('take a numeric segment as an index into an array', () => {
    // Act
    const fires = [selectionFires({ 'requestObject.spec.containers.1.name': 'debug' }, created), selectionFires({ 'requestObject.spec.containers.0.name': 'debug' }, created)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('are absent when the body is not an object, as when AKS skipped a too-big one', () => {
    // Prepare
    const skipped = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: 'skipped-too-big-size-object' });

    // Act
    const fires = [selectionFires({ 'requestObject.spec.hostPID|exists': true }, skipped), selectionFires({ 'requestObject|exists': true }, skipped)];

    // Assess
    expect(fires).toEqual([false, true]);
  });

  it('never reach properties the JSON does not have, such as constructor', () => {
    // Act
    const fires = [selectionFires({ 'requestObject.constructor|exists': true }, created), selectionFires({ 'requestObject.metadata.__proto__|exists': true }, created)];

    // Assess
    expect(fires).toEqual([false, false]);
  });

  it('read the response body under responseObject and response_object', () => {
    // Prepare
    const event = canonicalEvent({
      level: 'RequestResponse',
      verb: 'create',
      objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'ci', name: 'deployer', apiVersion: 'v1' },
      responseObject: { kind: 'TokenRequest', status: { expirationTimestamp: '2026-11-21T14:03:07Z' }, spec: { expirationSeconds: 86400 } },
    });

    // Act
    const fires = [selectionFires({ 'responseObject.spec.expirationSeconds|gt': 3600 }, event), selectionFires({ 'response_object.kind': 'TokenRequest' }, event)];

    // Assess
    expect(fires).toEqual([true, true]);
  });
});

describe('canonical columns', () => {
  it('are fields under their own names', () => {
    // Prepare
    const event = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe', code: 403, sourceIPs: ['198.51.100.23', '10.0.12.7'] });

    // Act
    const fires = selectionFires({ outcome: 'failure', user_type: 'user', src_ip: '198.51.100.23', src_peer_ip: '10.0.12.7', response_code: 403 }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('request_object takes a path as requestObject does', () => {
    // Prepare
    const event = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: PRIVILEGED_SIDECAR });

    // Act
    const fires = selectionFires({ 'request_object.spec.containers.image|startswith': 'docker.io/' }, event);

    // Assess
    expect(fires).toBe(true);
  });
});
