/** Each value modifier kaudit evaluates: what it matches and what it does not. */
import { describe, expect, it } from 'vitest';
import { canonicalEvent, resourceRequest, selectionFires } from './detection-builders.ts';

const EXEC = resourceRequest({
  verb: 'create',
  resource: 'pods',
  namespace: 'shop',
  name: 'web-7d9f',
  subresource: 'exec',
  query: 'command=%2Fbin%2Fsh&command=-c&command=id&container=web&stdin=true&tty=true',
  userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
  sourceIPs: ['203.0.113.10', '10.0.12.7'],
});

describe('contains', () => {
  it('matches the value anywhere in the field, ignoring case', () => {
    // Act
    const fires = selectionFires({ 'requestURI|contains': 'COMMAND=%2fbin%2fsh' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match a field without the value', () => {
    // Act
    const fires = selectionFires({ 'requestURI|contains': '%2fbin%2fbash' }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('keeps wildcards inside the value', () => {
    // Act
    const fires = [selectionFires({ 'requestURI|contains': 'command=*&tty=true' }, EXEC), selectionFires({ 'requestURI|contains': 'command=*&tty=false' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});

describe('startswith and endswith', () => {
  it('startswith matches a prefix only', () => {
    // Act
    const fires = [selectionFires({ 'userAgent|startswith': 'kubectl/' }, EXEC), selectionFires({ 'userAgent|startswith': 'v1.31' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('endswith matches a suffix only', () => {
    // Act
    const fires = [selectionFires({ 'objectRef.name|endswith': '-7D9F' }, EXEC), selectionFires({ 'objectRef.name|endswith': 'web' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});

describe('all', () => {
  it('matches when every value does', () => {
    // Act
    const fires = selectionFires({ 'requestURI|contains|all': ['stdin=true', 'tty=true'] }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match when one value does not', () => {
    // Act
    const fires = selectionFires({ 'requestURI|contains|all': ['stdin=true', 'tty=false'] }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('on a list field, lets each value match a different element', () => {
    // Act
    const fires = selectionFires({ 'user.groups|all': ['developers', 'system:authenticated'] }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });
});

describe('cased', () => {
  it('makes a plain match case-sensitive', () => {
    // Act
    const fires = [selectionFires({ 'objectRef.subresource|cased': 'exec' }, EXEC), selectionFires({ 'objectRef.subresource|cased': 'Exec' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('makes contains case-sensitive', () => {
    // Act
    const fires = [selectionFires({ 'requestURI|contains|cased': '%2Fbin%2Fsh' }, EXEC), selectionFires({ 'requestURI|contains|cased': '%2fbin%2fsh' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });
});

describe('re', () => {
  it('matches a regular expression anywhere in the field', () => {
    // Act
    const fires = selectionFires({ 'requestURI|re': 'command=%2F(usr%2F)?bin%2F(ba|z|da)?sh' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('is case-sensitive by default', () => {
    // Act
    const fires = selectionFires({ 'userAgent|re': '^KUBECTL/' }, EXEC);

    // Assess
    expect(fires).toBe(false);
  });

  it('with i ignores case', () => {
    // Act
    const fires = selectionFires({ 'userAgent|re|i': '^KUBECTL/' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('reads a leading (?i) as the i flag', () => {
    // Act
    const fires = selectionFires({ 'userAgent|re': '(?i)^KUBECTL/' }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('with m anchors ^ and $ at line breaks', () => {
    // Prepare
    const event = canonicalEvent({ annotations: { 'example.com/note': 'rotated\nbreak-glass\nby on-call' } });

    // Act
    const fires = [selectionFires({ 'annotations.example.com/note|re': '^break-glass$' }, event), selectionFires({ 'annotations.example.com/note|re|m': '^break-glass$' }, event)];

    // Assess
    expect(fires).toEqual([false, true]);
  });

  it('with s lets . match a line break', () => {
    // Prepare
    const event = canonicalEvent({ annotations: { 'example.com/note': 'rotated\nbreak-glass' } });

    // Act
    const fires = [selectionFires({ 'annotations.example.com/note|re': 'rotated.break' }, event), selectionFires({ 'annotations.example.com/note|re|s': 'rotated.break' }, event)];

    // Assess
    expect(fires).toEqual([false, true]);
  });
});

describe('cidr', () => {
  it('matches an IPv4 address inside the network', () => {
    // Act
    const fires = [selectionFires({ 'sourceIPs|cidr': '203.0.113.0/24' }, EXEC), selectionFires({ 'sourceIPs|cidr': '198.51.100.0/24' }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('matches an IPv6 address inside the network', () => {
    // Prepare
    const event = canonicalEvent({ sourceIPs: ['2001:db8:4006:812::200e'] });

    // Act
    const fires = [selectionFires({ 'sourceIPs|cidr': '2001:db8::/32' }, event), selectionFires({ 'sourceIPs|cidr': '2001:db9::/32' }, event)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('matches an IPv4-mapped IPv6 address against an IPv4 network', () => {
    // Prepare
    const event = canonicalEvent({ sourceIPs: ['::ffff:10.0.12.7'] });

    // Act
    const fires = selectionFires({ 'sourceIPs|cidr': '10.0.0.0/8' }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('with a list, matches an address in any network', () => {
    // Act
    const fires = selectionFires({ 'src_ip|cidr': ['10.0.0.0/8', '203.0.113.0/24'] }, EXEC);

    // Assess
    expect(fires).toBe(true);
  });

  it('does not match a text that is no address', () => {
    // Prepare
    const event = canonicalEvent({ userAgent: '10.1.2.3 probe' });

    // Act
    const fires = selectionFires({ 'userAgent|cidr': '10.0.0.0/8' }, event);

    // Assess
    expect(fires).toBe(false);
  });
});

describe('exists', () => {
  it('true matches a field that has a value, and not one that is absent', () => {
    // Prepare
    const clusterScoped = resourceRequest({ verb: 'get', resource: 'nodes', name: 'ip-10-0-1-17.eu-west-1.compute.internal' });

    // Act
    const fires = [selectionFires({ 'objectRef.namespace|exists': true }, EXEC), selectionFires({ 'objectRef.namespace|exists': true }, clusterScoped)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('false matches a field that is absent, and not one that has a value', () => {
    // Prepare
    const clusterScoped = resourceRequest({ verb: 'get', resource: 'nodes', name: 'ip-10-0-1-17.eu-west-1.compute.internal' });

    // Act
    const fires = [selectionFires({ 'objectRef.namespace|exists': false }, clusterScoped), selectionFires({ 'objectRef.namespace|exists': false }, EXEC)];

    // Assess
    expect(fires).toEqual([true, false]);
  });

  it('true matches an object-valued field', () => {
    // Prepare
    const pod = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: { spec: { volumes: [{ name: 'root', hostPath: { path: '/' } }] } } });

    // Act
    const fires = selectionFires({ 'requestObject.spec.volumes.hostPath|exists': true }, pod);

    // Assess
    expect(fires).toBe(true);
  });
});

describe('gt, gte, lt, lte', () => {
  it('compare a number field with the bound', () => {
    // Prepare
    const forbidden = resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe', code: 403 });

    // Act
    const fires = [
      selectionFires({ 'responseStatus.code|gt': 402 }, forbidden),
      selectionFires({ 'responseStatus.code|gt': 403 }, forbidden),
      selectionFires({ 'responseStatus.code|gte': 403 }, forbidden),
      selectionFires({ 'responseStatus.code|lt': 404 }, forbidden),
      selectionFires({ 'responseStatus.code|lt': 403 }, forbidden),
      selectionFires({ 'responseStatus.code|lte': 403 }, forbidden),
    ];

    // Assess
    expect(fires).toEqual([true, false, true, true, false, true]);
  });

  it('compare a text holding a number as that number', () => {
    // Prepare
    const event = resourceRequest({ verb: 'patch', resource: 'deployments', group: 'apps', namespace: 'shop', name: 'checkout', requestObject: { spec: { replicas: '60' } } });

    // Act
    const fires = selectionFires({ 'requestObject.spec.replicas|gte': 50 }, event);

    // Assess
    expect(fires).toBe(true);
  });

  it('do not match a field that holds no number', () => {
    // Act
    const fires = [selectionFires({ 'objectRef.name|gt': 0 }, EXEC), selectionFires({ 'objectRef.name|lt': 0 }, EXEC)];

    // Assess
    expect(fires).toEqual([false, false]);
  });
});
