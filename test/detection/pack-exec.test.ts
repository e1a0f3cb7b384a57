/** The pack's rules on commands run in pods: exec, attach, port-forward, kubectl cp both ways, and tokens read through exec. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { canonicalEvent, resourceRequest } from './detection-builders.ts';
import { execRequest, packRule, serviceAccountUser } from './pack-builders.ts';

type Cases = [string, CanonicalEvent][];

const SHELL = ['/bin/sh'];

/** An exec as audited when received: no response yet, no authorization decision. */
const RECEIVED_EXEC = canonicalEvent({
  stage: 'RequestReceived',
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/web-7d9f8b6c5d-x2x4q/exec?command=%2Fbin%2Fsh&container=web&stdin=true&stdout=true&tty=true',
  objectRef: { resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5d-x2x4q', apiVersion: 'v1', subresource: 'exec' },
  responseStatus: undefined,
  annotations: undefined,
});

describe('Command Executed In A Pod', () => {
  const rule = packRule('pod-exec.yml');

  it.each<Cases[number]>([
    ['kubectl exec before 1.30 (create over SPDY)', execRequest({ command: SHELL })],
    ['kubectl exec from 1.30 on (get over WebSocket)', execRequest({ command: SHELL, verb: 'get' })],
    ['the stream opening (ResponseStarted)', execRequest({ command: SHELL, verb: 'get', stage: 'ResponseStarted' })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Cases[number]>([
    ['an exec refused by RBAC', execRequest({ command: SHELL, code: 403 })],
    ['the request before authorization (RequestReceived)', RECEIVED_EXEC],
    [
      "a pod's logs read",
      resourceRequest({ verb: 'get', resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5d-x2x4q', subresource: 'log', query: 'container=web&follow=true' }),
    ],
    ['a pod read', resourceRequest({ verb: 'get', resource: 'pods', namespace: 'shop', name: 'web-7d9f8b6c5d-x2x4q' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Attached To A Running Container', () => {
  const rule = packRule('pod-attach.yml');
  const attach = (verb: string, code?: number) =>
    resourceRequest({
      verb,
      resource: 'pods',
      namespace: 'shop',
      name: 'web-7d9f8b6c5d-x2x4q',
      subresource: 'attach',
      query: 'container=web&stdin=true&stdout=true&tty=true',
      ...(code ? { code } : {}),
    });

  it('fires on kubectl attach, over SPDY and over WebSocket', () => {
    // Assess
    expect([attach('create'), attach('get')].map(rule.matches)).toEqual([true, true]);
  });

  it('does not fire on an attach refused, nor on an exec', () => {
    // Assess
    expect([attach('create', 403), execRequest({ command: SHELL })].map(rule.matches)).toEqual([false, false]);
  });
});

describe('Port Forwarded Into A Pod', () => {
  const rule = packRule('pod-port-forward.yml');
  const forward = (verb: string, code?: number) =>
    resourceRequest({ verb, resource: 'pods', namespace: 'data', name: 'postgres-0', subresource: 'portforward', query: 'ports=5432', ...(code ? { code } : {}) });

  it('fires on kubectl port-forward, over SPDY and over WebSocket', () => {
    // Assess
    expect([forward('create'), forward('get')].map(rule.matches)).toEqual([true, true]);
  });

  it('does not fire on a port-forward refused, nor on a request through the service proxy', () => {
    // Prepare
    const proxied = resourceRequest({ verb: 'get', resource: 'services', namespace: 'data', name: 'postgres', subresource: 'proxy' });

    // Assess
    expect([forward('create', 403), proxied].map(rule.matches)).toEqual([false, false]);
  });
});

describe('Files Copied Out Of A Pod With kubectl cp', () => {
  const rule = packRule('pod-copy-out.yml');

  it.each<Cases[number]>([
    ['kubectl cp shop/web:/app/config ./config', execRequest({ command: ['tar', 'cf', '-', '/app/config'], stdin: false, tty: false })],
    ['the same over WebSocket', execRequest({ command: ['tar', 'cf', '-', '/app/config'], stdin: false, tty: false, verb: 'get' })],
    ['a compressed archive to the output', execRequest({ command: ['tar', '-czf', '-', '/var/lib/data'], stdin: false, tty: false })],
    [
      'the command recorded in the request body (PodExecOptions)',
      resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-7d9f8b6c5d-x2x4q',
        subresource: 'exec',
        requestObject: { kind: 'PodExecOptions', apiVersion: 'v1', stdout: true, container: 'web', command: ['tar', 'cf', '-', '/app/config'] },
      }),
    ],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Cases[number]>([
    ['tar writing an archive to a file in the container', execRequest({ command: ['tar', 'czf', '/tmp/backup.tar.gz', '/app/data'] })],
    ['kubectl cp into the pod', execRequest({ command: ['tar', '-xmf', '-', '-C', '/tmp'] })],
    ['a shell', execRequest({ command: SHELL })],
    ['a copy refused', execRequest({ command: ['tar', 'cf', '-', '/app/config'], code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Files Copied Into A Pod With kubectl cp', () => {
  const rule = packRule('pod-copy-in.yml');

  it.each<Cases[number]>([
    ['kubectl cp ./tool shop/web:/tmp', execRequest({ command: ['tar', '-xmf', '-', '-C', '/tmp'], tty: false })],
    ['an archive extracted from the input without -C', execRequest({ command: ['tar', 'xf', '-'], tty: false, verb: 'get' })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Cases[number]>([
    ['kubectl cp out of the pod', execRequest({ command: ['tar', 'cf', '-', '/app/config'] })],
    ['an archive extracted from a file in the container', execRequest({ command: ['tar', 'xzf', '/tmp/release.tgz'] })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Service Account Token Read In A Pod', () => {
  const rule = packRule('pod-exec-token-read.yml');

  it.each<Cases[number]>([
    ["cat of the pod's service account token", execRequest({ command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'] })],
    ['a shell reading it through /run', execRequest({ command: ['sh', '-c', 'cat /run/secrets/kubernetes.io/serviceaccount/token | base64'], verb: 'get' })],
    ["the IRSA token of EKS's pod identity", execRequest({ command: ['cat', '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'] })],
    ["AKS workload identity's token", execRequest({ command: ['cat', '/var/run/secrets/azure/tokens/azure-identity-token'] })],
    ['the directory copied out with kubectl cp', execRequest({ command: ['tar', 'cf', '-', '/var/run/secrets/kubernetes.io/serviceaccount'] })],
    [
      'the command recorded in the request body',
      resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web',
        subresource: 'exec',
        requestObject: { kind: 'PodExecOptions', apiVersion: 'v1', command: ['ls', '/var/run/secrets/kubernetes.io/serviceaccount'] },
      }),
    ],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Cases[number]>([
    ['a shell with no path', execRequest({ command: SHELL })],
    ['an application secret read from a mounted file', execRequest({ command: ['cat', '/etc/app/secrets/db-password'] })],
    ['a read refused', execRequest({ command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'], code: 403, user: serviceAccountUser('ci', 'deployer') })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
