/**
 * The pack's rules on what pods may do to their node: privileged containers, host directories,
 * the node's network, process and IPC namespaces, dangerous capabilities. Each fires on a pod and
 * on the pod template of every workload kind (their paths differ), and not on the pods kube-system's
 * controllers make from those templates.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { resourceRequest } from './detection-builders.ts';
import { packRule, podSpec, REPLICASET_CONTROLLER, serviceAccountUser, WORKLOAD_RESOURCES, workloadWrite } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const PLAIN = podSpec();

/** What every workload rule must not fire on, given the pod spec that fires it. */
function commonNearMisses(firing: Record<string, unknown>): Case[] {
  return [
    ['a plain pod', workloadWrite('pods', PLAIN)],
    ['the pod the ReplicaSet controller makes from a matching template', workloadWrite('pods', firing, { user: REPLICASET_CONTROLLER })],
    ['the workload refused by admission', workloadWrite('deployments', firing, { code: 403 })],
    ['the workload recorded without its body (Metadata level)', resourceRequest({ verb: 'create', resource: 'deployments', group: 'apps', namespace: 'shop' })],
    [
      'a scale of the workload',
      resourceRequest({ verb: 'patch', resource: 'deployments', group: 'apps', namespace: 'shop', name: 'web', subresource: 'scale', requestObject: { spec: { replicas: 4 } } }),
    ],
  ];
}

describe('Privileged Container Created', () => {
  const rule = packRule('workload-privileged-container.yml');
  const privileged = podSpec({}, { securityContext: { privileged: true } });

  it.each(WORKLOAD_RESOURCES)('fires on %s with a privileged container', (resource) => {
    // Assess
    expect(rule.matches(workloadWrite(resource, privileged))).toBe(true);
  });

  it.each<Case>([
    ['a privileged init container', workloadWrite('pods', podSpec({ initContainers: [{ name: 'sysctl', image: 'busybox:1.36', securityContext: { privileged: true } }] }))],
    [
      'a privileged second container',
      workloadWrite(
        'deployments',
        podSpec({
          containers: [
            { name: 'web', image: 'nginx:1.27' },
            { name: 'agent', image: 'agent:2', securityContext: { privileged: true } },
          ],
        }),
      ),
    ],
    [
      'a Deployment patched to make its container privileged',
      workloadWrite('deployments', { containers: [{ name: 'web', securityContext: { privileged: true } }] }, { verb: 'patch' }),
    ],
    [
      'kubectl debug --profile=sysadmin (an ephemeral container)',
      resourceRequest({
        verb: 'patch',
        resource: 'pods',
        namespace: 'shop',
        name: 'web',
        subresource: 'ephemeralcontainers',
        requestObject: { spec: { ephemeralContainers: [{ name: 'debugger-x7k2p', image: 'busybox:1.36', securityContext: { privileged: true } }] } },
      }),
    ],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ...commonNearMisses(privileged),
    ['a container explicitly not privileged', workloadWrite('pods', podSpec({}, { securityContext: { privileged: false, runAsNonRoot: true } }))],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Sensitive Host Directory Mounted', () => {
  const rule = packRule('workload-sensitive-host-path.yml');
  const mounting = (path: string) => podSpec({ volumes: [{ name: 'host', hostPath: { path } }] }, { volumeMounts: [{ name: 'host', mountPath: '/host' }] });

  it.each(WORKLOAD_RESOURCES)("fires on %s mounting the node's root", (resource) => {
    // Assess
    expect(rule.matches(workloadWrite(resource, mounting('/')))).toBe(true);
  });

  it.each(['/proc', '/etc', '/etc/kubernetes/pki', '/root/.ssh', '/var/lib/kubelet/pki', '/var/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/crio/crio.sock'])(
    'fires on a pod mounting %s',
    (path) => {
      // Assess
      expect(rule.matches(workloadWrite('pods', mounting(path)))).toBe(true);
    },
  );

  it.each<Case>([
    ...commonNearMisses(mounting('/')),
    ['a pod mounting /var/log', workloadWrite('pods', mounting('/var/log'))],
    ['a pod mounting /etc/ssl/certs', workloadWrite('pods', mounting('/etc/ssl/certs'))],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Host Directory Mounted', () => {
  const rule = packRule('workload-host-path-volume.yml');
  const mounting = (...paths: string[]) => podSpec({ volumes: paths.map((path, index) => ({ name: `host-${index}`, hostPath: { path, type: 'Directory' } })) });

  it.each(WORKLOAD_RESOURCES)('fires on %s mounting /var/log', (resource) => {
    // Assess
    expect(rule.matches(workloadWrite(resource, mounting('/var/log')))).toBe(true);
  });

  it.each<Case>([
    ...commonNearMisses(mounting('/var/log')),
    ['a sensitive directory (the other rule fires)', workloadWrite('pods', mounting('/var/log', '/var/run/docker.sock'))],
    [
      'an emptyDir and a Secret volume',
      workloadWrite(
        'pods',
        podSpec({
          volumes: [
            { name: 'cache', emptyDir: {} },
            { name: 'tls', secret: { secretName: 'web-tls' } },
          ],
        }),
      ),
    ],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe.each([
  { file: 'workload-host-network.yml', title: "the node's network", field: 'hostNetwork' },
  { file: 'workload-host-pid.yml', title: "the node's processes", field: 'hostPID' },
  { file: 'workload-host-ipc.yml', title: "the node's IPC", field: 'hostIPC' },
])('Pod sharing $title ($field)', ({ file, field }) => {
  const rule = packRule(file);
  const sharing = podSpec({ [field]: true });

  it.each(WORKLOAD_RESOURCES)(`fires on %s with ${field}: true`, (resource) => {
    // Assess
    expect(rule.matches(workloadWrite(resource, sharing))).toBe(true);
  });

  it.each<Case>([...commonNearMisses(sharing), [`${field}: false`, workloadWrite('pods', podSpec({ [field]: false }))]])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Container Granted A Dangerous Capability', () => {
  const rule = packRule('workload-dangerous-capabilities.yml');
  const adding = (...capabilities: string[]) => podSpec({}, { securityContext: { capabilities: { add: capabilities } } });

  it.each(WORKLOAD_RESOURCES)('fires on %s adding SYS_ADMIN', (resource) => {
    // Assess
    expect(rule.matches(workloadWrite(resource, adding('SYS_ADMIN')))).toBe(true);
  });

  it.each(['NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'BPF', 'ALL', 'CAP_SYS_ADMIN'])('fires on a pod adding %s', (capability) => {
    // Assess
    expect(rule.matches(workloadWrite('pods', adding('NET_BIND_SERVICE', capability)))).toBe(true);
  });

  it.each<Case>([
    ...commonNearMisses(adding('SYS_ADMIN')),
    ['harmless capabilities added', workloadWrite('pods', adding('NET_BIND_SERVICE', 'CHOWN'))],
    ['SYS_ADMIN dropped, not added', workloadWrite('pods', podSpec({}, { securityContext: { capabilities: { drop: ['ALL', 'SYS_ADMIN'] } } }))],
    ['an Argo CD sync of a plain Deployment', workloadWrite('deployments', PLAIN, { user: serviceAccountUser('argocd', 'argocd-application-controller'), verb: 'update' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
