/** Sigma's matching of plain values (no modifier): case, wildcards and their escaping, lists, maps, null, numbers, booleans. */
import { describe, expect, it } from 'vitest';
import { canonicalEvent, HUMAN_USER, resourceRequest, selectionFires } from './detection-builders.ts';

const EXEC = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', name: 'web-7d9f', subresource: 'exec', query: 'command=sh&container=web&stdin=true&tty=true' });

describe('a plain string value', () => {
  it('matches the whole field, ignoring case', () => {
    // Act
    const fires = selectionFires({ 'objectRef.subresource': 'EXEC' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match a part of the field', () => {
    // Act
    const fires = selectionFires({ 'objectRef.subresource': 'exe' }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('with * matches any run of characters, including none', () => {
    // Act
    const fires = [selectionFires({ requestURI: '/api/v1/namespaces/*/pods/*/exec?*' }, EXEC), selectionFires({ 'objectRef.subresource': 'exec*' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, true]);
  });

  it('with ? matches exactly one character', () => {
    // Act
    const fires = [
      selectionFires({ 'objectRef.name': 'web-7d9?' }, EXEC),
      selectionFires({ 'objectRef.name': 'web-7d?' }, EXEC),
      selectionFires({ 'objectRef.name': 'web-7d9f?' }, EXEC),
    ];

    // Assess
    expect(fires).toEqual([true, false, false]);
  });

  it('with \\* and \\? matches a literal star and question mark', () => {
    // Prepare
    const event = resourceRequest({ verb: 'get', resource: 'configmaps', namespace: 'shop', name: 'a', userAgent: 'probe*v1?' });

    // Act
    const fires = [selectionFires({ userAgent: 'probe\\*v1\\?' }, event), selectionFires({ userAgent: 'probe\\*v1\\?' }, canonicalEvent({ userAgent: 'probeXv1Y' }))];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('keeps a backslash before other characters, and \\\\ is one backslash', () => {
    // Prepare
    const event = canonicalEvent({ userAgent: 'C:\\tools\\kubectl.exe/v1.31' });

    // Act
    const fires = [selectionFires({ userAgent: 'C:\\tools\\kubectl.exe*' }, event), selectionFires({ userAgent: 'C:\\\\tools\\\\kubectl.exe*' }, event)];

    // Assess
    expect(fires).toEqual([true, true]);
  });

  it('with \\\\* is a backslash followed by a wildcard', () => {
    // Prepare
    const event = canonicalEvent({ userAgent: 'C:\\tools\\kubectl.exe' });

    // Act
    const fires = selectionFires({ userAgent: 'C:\\tools\\\\*' }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('matches a number field by its decimal text', () => {
    // Prepare
    const forbidden = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe', code: 403 });

    // Act
    const fires = [selectionFires({ 'responseStatus.code': '403' }, forbidden), selectionFires({ 'responseStatus.code': '4*' }, forbidden)];

    // Assess
    expect(fires).toEqual([true, true]);
  });
});

describe('a list of values', () => {
  it('matches when any value does', () => {
    // Act
    const fires = selectionFires({ verb: ['delete', 'create', 'patch'] }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match when no value does', () => {
    // Act
    const fires = selectionFires({ verb: ['delete', 'patch'] }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });
});

describe('a map of fields', () => {
  it('matches when every field does', () => {
    // Act
    const fires = selectionFires({ verb: 'create', 'objectRef.resource': 'pods', 'objectRef.subresource': 'exec' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match when one field does not', () => {
    // Act
    const fires = selectionFires({ verb: 'create', 'objectRef.resource': 'pods', 'objectRef.subresource': 'attach' }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('in a list, matches when any map does', () => {
    // Act
    const fires = selectionFires([{ 'objectRef.subresource': 'attach' }, { 'objectRef.subresource': 'exec', verb: 'create' }], EXEC);

    // Assess
    expect(fires).toBe(true);
  });
});

describe('an event field that is a list', () => {
  it('matches when any element does', () => {
    // Act
    const fires = selectionFires({ 'user.groups': 'DEVELOPERS' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match when no element does', () => {
    // Act
    const fires = selectionFires({ 'user.groups': 'system:masters' }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });
});

describe('null', () => {
  it('matches a field the event does not have', () => {
    // Prepare: a get on a cluster-scoped resource has no namespace
    const event = resourceRequest({ verb: 'get', resource: 'nodes', name: 'ip-10-0-1-17.eu-west-1.compute.internal' });

    // Act
    const fires = selectionFires({ 'objectRef.namespace': null }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match a field that has a value', () => {
    // Act
    const fires = selectionFires({ 'objectRef.namespace': null }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('matches an empty event list, which holds nothing', () => {
    // Prepare
    const event = canonicalEvent({ user: { ...HUMAN_USER, groups: [] } });

    // Act
    const fires = selectionFires({ 'user.groups': null }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('in a list, is one alternative among the values', () => {
    // Act
    const fires = [selectionFires({ 'objectRef.namespace': [null, 'shop'] }, EXEC), selectionFires({ 'objectRef.namespace': [null, 'payments'] }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});

describe('numbers and booleans', () => {
  it('a number matches an equal number', () => {
    // Act
    const fires = [selectionFires({ 'responseStatus.code': 101 }, EXEC), selectionFires({ 'responseStatus.code': 200 }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('a number matches a text holding the same number', () => {
    // Prepare
    const event = canonicalEvent({ annotations: { 'pod-security.kubernetes.io/audit-violations-count': '3' } });

    // Act
    const fires = selectionFires({ 'annotations.pod-security.kubernetes.io/audit-violations-count': 3 }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('a number does not match a text that is no number', () => {
    // Act
    const fires = selectionFires({ 'objectRef.name': 7 }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('a boolean matches an equal JSON boolean', () => {
    // Prepare
    const event = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: { spec: { hostNetwork: true } } });

    // Act
    const fires = [selectionFires({ 'requestObject.spec.hostNetwork': true }, event), selectionFires({ 'requestObject.spec.hostNetwork': false }, event)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('a boolean matches the text true or false, as annotations hold it', () => {
    // Prepare
    const event = canonicalEvent({ annotations: { 'example.com/break-glass': 'True' } });

    // Act
    const fires = selectionFires({ 'annotations.example.com/break-glass': true }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('a boolean column matches a boolean', () => {
    // Act
    const fires = [selectionFires({ is_resource_request: true }, EXEC), selectionFires({ is_resource_request: false }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});
