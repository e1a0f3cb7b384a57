/** Request attributes rebuilt from a canonical event as kube-apiserver's audit filter saw them. */
import { describe, expect, it } from 'vitest';
import { requestAttributesOf } from '../../shared/transforms/policy/request-attributes.ts';
import { type AuditEvent, auditEvent, canonicalOf, sourceRecord } from '../helpers/audit-events.ts';

function attributesOf(overrides: AuditEvent) {
  return requestAttributesOf(canonicalOf(sourceRecord(auditEvent(overrides))));
}

describe('request attributes of an event', () => {
  it('of a read: group, resource, namespace and name from objectRef, core as ""', () => {
    // Prepare
    const event = { verb: 'get', objectRef: { resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', apiVersion: 'v1' } };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes).toMatchObject({ verb: 'get', isResourceRequest: true, apiGroup: '', resource: 'configmaps', subresource: '', namespace: 'kube-system', name: 'aws-auth' });
  });

  it('of a create: no name, since the request went to the collection and the name came later from the body', () => {
    // Prepare
    const event = { verb: 'create', objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'checkout', apiVersion: 'v1' } };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes).toMatchObject({ verb: 'create', apiGroup: 'apps', name: '' });
  });

  it('of a create on a subresource: the name of the object in the URL', () => {
    // Prepare
    const event = { verb: 'create', objectRef: { resource: 'serviceaccounts', subresource: 'token', namespace: 'shop', name: 'checkout', apiVersion: 'v1' } };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes).toMatchObject({ resource: 'serviceaccounts', subresource: 'token', name: 'checkout' });
  });

  it('of a cluster-scoped resource: namespace ""', () => {
    // Prepare
    const event = { verb: 'list', objectRef: { resource: 'nodes', apiVersion: 'v1' } };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes).toMatchObject({ namespace: '', name: '' });
  });

  it('of a non-resource request: the lower-case HTTP method and the decoded path without its query', () => {
    // Prepare
    const event = { verb: 'GET', objectRef: undefined, requestURI: '/logs/kube%20apiserver.log?tail=10' };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes).toMatchObject({ verb: 'get', isResourceRequest: false, path: '/logs/kube apiserver.log' });
  });

  it('without a user: none, so rules naming users or groups cannot match', () => {
    // Prepare
    const event = { user: undefined };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes.user).toBeNull();
  });

  it('of a user without groups: the user, in no group', () => {
    // Prepare
    const event = { user: { username: 'system:kube-scheduler' } };

    // Act
    const attributes = attributesOf(event);

    // Assess
    expect(attributes.user).toEqual({ name: 'system:kube-scheduler', groups: [] });
  });
});
