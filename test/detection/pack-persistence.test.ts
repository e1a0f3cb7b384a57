/** The pack's rules on footholds: CronJobs, DaemonSets, and pods or service accounts placed among the cluster's own components. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { resourceRequest } from './detection-builders.ts';
import { CONTROLLER_MANAGER, NODE_USER, packRule, podSpec, serviceAccountUser, workloadWrite } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

describe('CronJob Created Or Changed', () => {
  const rule = packRule('cronjob-created-or-changed.yml');

  it.each<Case>([
    ['a CronJob created', workloadWrite('cronjobs', podSpec())],
    ['a CronJob replaced', workloadWrite('cronjobs', podSpec(), { verb: 'update' })],
    [
      "a CronJob's schedule patched",
      resourceRequest({ verb: 'patch', resource: 'cronjobs', group: 'batch', namespace: 'shop', name: 'web', requestObject: { spec: { schedule: '* * * * *' } } }),
    ],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['a Job created by the CronJob controller', workloadWrite('jobs', podSpec(), { user: serviceAccountUser('kube-system', 'cronjob-controller') })],
    ['a CronJob created with a failure', workloadWrite('cronjobs', podSpec(), { code: 422 })],
    [
      "the CronJob controller updating the CronJob's status",
      resourceRequest({
        verb: 'update',
        resource: 'cronjobs',
        group: 'batch',
        namespace: 'shop',
        name: 'web',
        subresource: 'status',
        user: serviceAccountUser('kube-system', 'cronjob-controller'),
      }),
    ],
    ['CronJobs listed', resourceRequest({ verb: 'list', resource: 'cronjobs', group: 'batch', namespace: 'shop' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('DaemonSet Created', () => {
  const rule = packRule('daemonset-created.yml');

  it('fires on a DaemonSet created by a person', () => {
    // Assess
    expect(rule.matches(workloadWrite('daemonsets', podSpec()))).toBe(true);
  });

  it.each<Case>([
    ['a DaemonSet updated', workloadWrite('daemonsets', podSpec(), { verb: 'update' })],
    ['a Deployment created', workloadWrite('deployments', podSpec())],
    [
      'a DaemonSet created by the control plane',
      workloadWrite('daemonsets', podSpec(), { namespace: 'kube-system', name: 'kube-proxy', user: { username: 'eks:addon-manager', groups: ['system:authenticated'] } }),
    ],
    ['a DaemonSet refused', workloadWrite('daemonsets', podSpec(), { code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Pod Created In A System Namespace', () => {
  const rule = packRule('pod-in-system-namespace.yml');

  it.each(['kube-system', 'kube-public', 'kube-node-lease'])('fires on a pod created by a person in %s', (namespace) => {
    // Assess
    expect(rule.matches(workloadWrite('pods', podSpec(), { namespace }))).toBe(true);
  });

  it.each<Case>([
    ['a pod created in an application namespace', workloadWrite('pods', podSpec(), { namespace: 'shop' })],
    [
      'a pod of a kube-system DaemonSet created by its controller',
      workloadWrite('pods', podSpec(), { namespace: 'kube-system', user: serviceAccountUser('kube-system', 'daemon-set-controller') }),
    ],
    ["a kubelet's mirror pod", workloadWrite('pods', podSpec(), { namespace: 'kube-system', user: NODE_USER })],
    [
      'a pod evicted from kube-system',
      resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'metrics-server-86c5f959ff-rcxtk',
        subresource: 'eviction',
        user: { username: 'eks:node-manager', groups: ['system:authenticated'] },
      }),
    ],
    ['a Deployment created in kube-system', workloadWrite('deployments', podSpec(), { namespace: 'kube-system' })],
    ['a pod refused in kube-system', workloadWrite('pods', podSpec(), { namespace: 'kube-system', code: 403 })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Service Account Created In A System Namespace', () => {
  const rule = packRule('serviceaccount-in-system-namespace.yml');
  const created = (namespace: string, user?: Record<string, unknown>) =>
    resourceRequest({
      verb: 'create',
      resource: 'serviceaccounts',
      namespace,
      requestObject: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-reader', namespace } },
      ...(user ? { user } : {}),
    });

  it('fires on a service account created by a person in kube-system', () => {
    // Assess
    expect(rule.matches(created('kube-system'))).toBe(true);
  });

  it.each<Case>([
    ['one created in an application namespace', created('shop')],
    ['one created by the control plane', created('kube-system', CONTROLLER_MANAGER)],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
