/**
 * SigmaHQ's Kubernetes audit rules (rules/application/kubernetes/audit), read in place: every rule
 * loads, or is refused with the feature named (and the table says why that is right). Each loaded
 * rule fires on canonical events written from its intent and stays quiet on near misses.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { loadRule } from '../../shared/transforms/detection/load-rule.ts';
import { compileRules } from '../../shared/transforms/detection/rule-set.ts';
import { canonicalEvent, HUMAN_USER, podObject, resourceRequest, serviceAccountUser } from '../detection/detection-builders.ts';
import { listFixtures, readFixtureText } from './fixtures.ts';

type Expectation =
  | { loads: true; firesOn: Record<string, CanonicalEvent>; quietOn: Record<string, CanonicalEvent> }
  | { refused: RegExp; why: string; corrected?: { replace: [string, string]; firesOn: CanonicalEvent } };

const WEBHOOK_CONFIGURATION = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'policy-bypass' },
  webhooks: [
    {
      name: 'bypass.example.com',
      clientConfig: { url: 'https://198.51.100.7/validate' },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    },
  ],
};
const CRONJOB = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'cache-warmer', namespace: 'shop' },
  spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: podObject('cache-warmer', 'shop').spec } } } },
};
const ADMIN_BINDING = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'ops-admin' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
};
const REPLICASET_CONTROLLER = serviceAccountUser('kube-system', 'replicaset-controller');

/** A request refused before authentication: an expired or forged token, so no user and no authorization. */
const UNAUTHENTICATED = canonicalEvent({
  stage: 'ResponseStarted',
  verb: 'list',
  requestURI: '/api/v1/namespaces/kube-system/secrets',
  user: {},
  sourceIPs: ['198.51.100.23'],
  userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
  objectRef: { resource: 'secrets', namespace: 'kube-system', apiVersion: 'v1' },
  responseStatus: { metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 },
  annotations: undefined,
});

/** Every file of the set, by name: a new upstream rule fails the first test until it is described here. */
const EXPECTED: Record<string, Expectation> = {
  'kubernetes_audit_change_admission_controller.yml': {
    loads: true,
    firesOn: {
      'a validating webhook created': resourceRequest({
        verb: 'create',
        resource: 'validatingwebhookconfigurations',
        group: 'admissionregistration.k8s.io',
        requestObject: WEBHOOK_CONFIGURATION,
      }),
      'a mutating webhook patched': resourceRequest({
        verb: 'patch',
        resource: 'mutatingwebhookconfigurations',
        group: 'admissionregistration.k8s.io',
        name: 'istio-sidecar-injector',
        requestObject: { webhooks: [{ name: 'sidecar.istio.io', failurePolicy: 'Ignore' }] },
      }),
      'a webhook deleted': resourceRequest({
        verb: 'delete',
        resource: 'validatingwebhookconfigurations',
        group: 'admissionregistration.k8s.io',
        name: 'gatekeeper-validating-webhook-configuration',
      }),
    },
    quietOn: {
      'webhooks listed': resourceRequest({ verb: 'list', resource: 'validatingwebhookconfigurations', group: 'admissionregistration.k8s.io' }),
      'an admission policy created': resourceRequest({ verb: 'create', resource: 'validatingadmissionpolicies', group: 'admissionregistration.k8s.io', name: 'deny-privileged' }),
    },
  },
  'kubernetes_audit_cronjob_modification.yml': {
    loads: true,
    firesOn: {
      'a CronJob created': resourceRequest({ verb: 'create', resource: 'cronjobs', group: 'batch', namespace: 'shop', requestObject: CRONJOB }),
      'a Job deleted': resourceRequest({ verb: 'delete', resource: 'jobs', group: 'batch', namespace: 'shop', name: 'db-migrate-29184' }),
      'a CronJob updated': resourceRequest({ verb: 'update', resource: 'cronjobs', group: 'batch', namespace: 'shop', name: 'cache-warmer', requestObject: CRONJOB }),
    },
    quietOn: {
      'CronJobs listed': resourceRequest({ verb: 'list', resource: 'cronjobs', group: 'batch', namespace: 'shop' }),
      "a Job's pod created by the job controller": resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        user: serviceAccountUser('kube-system', 'job-controller'),
        requestObject: podObject('db-migrate-29184-x7k2p', 'shop'),
      }),
    },
  },
  'kubernetes_audit_deployment_deleted.yml': {
    loads: true,
    firesOn: { 'a Deployment deleted': resourceRequest({ verb: 'delete', resource: 'deployments', group: 'apps', namespace: 'shop', name: 'checkout' }) },
    quietOn: {
      'a ReplicaSet deleted by its controller': resourceRequest({
        verb: 'delete',
        resource: 'replicasets',
        group: 'apps',
        namespace: 'shop',
        name: 'checkout-7d9f8b6c5d',
        user: serviceAccountUser('kube-system', 'deployment-controller'),
      }),
      'a Deployment scaled': resourceRequest({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: 'shop',
        name: 'checkout',
        requestObject: { spec: { replicas: 0 } },
      }),
    },
  },
  'kubernetes_audit_events_deleted.yml': {
    loads: true,
    firesOn: {
      'the events of a namespace deleted': resourceRequest({ verb: 'delete', resource: 'events', namespace: 'shop', name: 'checkout-7d9f8b6c5d-x2x4q.17f3a2b1c0d9e8f7' }),
      'events deleted through events.k8s.io': resourceRequest({
        verb: 'delete',
        resource: 'events',
        group: 'events.k8s.io',
        namespace: 'kube-system',
        name: 'kube-proxy-bv61v.17f3a2b1c0d9e8f7',
      }),
    },
    quietOn: {
      'events listed': resourceRequest({ verb: 'list', resource: 'events', namespace: 'shop' }),
      'a ConfigMap deleted': resourceRequest({ verb: 'delete', resource: 'configmaps', namespace: 'shop', name: 'checkout-flags' }),
    },
  },
  'kubernetes_audit_exec_into_container.yml': {
    loads: true,
    firesOn: {
      'kubectl exec into a shell': resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'checkout-7d9f8b6c5d-x2x4q',
        subresource: 'exec',
        query: 'command=%2Fbin%2Fsh&container=checkout&stdin=true&stdout=true&tty=true',
      }),
    },
    quietOn: {
      'kubectl attach': resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'checkout-7d9f8b6c5d-x2x4q',
        subresource: 'attach',
        query: 'container=checkout&stdin=true&stdout=true&tty=true',
      }),
      'kubectl port-forward': resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', name: 'checkout-7d9f8b6c5d-x2x4q', subresource: 'portforward' }),
      'a pod created': resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: podObject('debug', 'shop') }),
    },
  },
  'kubernetes_audit_hostpath_mount.yml': {
    refused: /^detection\.selection\.hostPath: unknown field "hostPath"/,
    why: 'no audit Event has a top-level hostPath: the rule relies on a backend field mapping kaudit does not guess; the pod spec is under requestObject (requestObject.spec.volumes.hostPath|exists: true)',
  },
  'kubernetes_audit_pod_in_system_namespace.yml': {
    loads: true,
    firesOn: {
      'a pod named like kube-proxy created in kube-system by a user': resourceRequest({
        verb: 'create',
        resource: 'pods',
        namespace: 'kube-system',
        requestObject: podObject('kube-proxy-bv61v', 'kube-system'),
      }),
    },
    quietOn: {
      'a pod created in an application namespace': resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', requestObject: podObject('debug', 'shop') }),
      'pods listed in kube-system': resourceRequest({ verb: 'list', resource: 'pods', namespace: 'kube-system' }),
    },
  },
  'kubernetes_audit_potential_enumeration_activity.yml': {
    refused: /^detection\.selection_status\.responseStatus\.code: value "ALLOW" can never match: the field holds numbers$/,
    why: 'responseStatus.code is the HTTP status (an integer); "ALLOW" never occurs there, so the rule as written never fires (the authorization decision is annotations.authorization.k8s.io/decision: allow)',
  },
  'kubernetes_audit_privileged_pod_creation.yml': {
    refused: /^detection\.selection\.capabilities: unknown field "capabilities"/,
    why: 'no audit Event has a top-level capabilities: the container security contexts are under requestObject.spec.containers.securityContext',
  },
  'kubernetes_audit_rbac_permisions_listing.yml': {
    refused: /^detection\.selection\.apiGroup: unknown field "apiGroup": not an audit Event field; did you mean "objectRef\.apiGroup"\?$/,
    why: 'the audit Event has apiGroup only under objectRef',
    corrected: {
      replace: ['apiGroup:', 'objectRef.apiGroup:'],
      firesOn: resourceRequest({
        verb: 'create',
        resource: 'selfsubjectrulesreviews',
        group: 'authorization.k8s.io',
        requestObject: { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', spec: { namespace: 'shop' } },
      }),
    },
  },
  'kubernetes_audit_rolebinding_modification.yml': {
    loads: true,
    firesOn: {
      'cluster-admin bound to a service account': resourceRequest({
        verb: 'create',
        resource: 'clusterrolebindings',
        group: 'rbac.authorization.k8s.io',
        requestObject: ADMIN_BINDING,
      }),
      'a RoleBinding patched': resourceRequest({
        verb: 'patch',
        resource: 'rolebindings',
        group: 'rbac.authorization.k8s.io',
        namespace: 'shop',
        name: 'shop-editors',
        requestObject: { subjects: [{ kind: 'User', name: 'mallory@example.com' }] },
      }),
    },
    quietOn: {
      'a ClusterRole created': resourceRequest({
        verb: 'create',
        resource: 'clusterroles',
        group: 'rbac.authorization.k8s.io',
        requestObject: { kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] },
      }),
      'RoleBindings listed': resourceRequest({ verb: 'list', resource: 'rolebindings', group: 'rbac.authorization.k8s.io', namespace: 'shop' }),
    },
  },
  'kubernetes_audit_secrets_enumeration.yml': {
    loads: true,
    firesOn: {
      'secrets listed across the cluster': resourceRequest({ verb: 'list', resource: 'secrets' }),
      'secrets listed in a namespace': resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'payments' }),
    },
    quietOn: {
      'one secret read by name': resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' }),
      'ConfigMaps listed': resourceRequest({ verb: 'list', resource: 'configmaps', namespace: 'payments' }),
    },
  },
  'kubernetes_audit_secrets_modified_or_deleted.yml': {
    loads: true,
    firesOn: {
      'a secret deleted': resourceRequest({ verb: 'delete', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' }),
      'a secret replaced': resourceRequest({ verb: 'update', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' }),
    },
    quietOn: {
      'a secret read': resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' }),
      'a ConfigMap updated': resourceRequest({ verb: 'update', resource: 'configmaps', namespace: 'payments', name: 'payments-flags' }),
    },
  },
  'kubernetes_audit_serviceaccount_creation.yml': {
    loads: true,
    firesOn: {
      'a service account created': resourceRequest({
        verb: 'create',
        resource: 'serviceaccounts',
        namespace: 'kube-system',
        requestObject: { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'kube-proxy-backup', namespace: 'kube-system' } },
      }),
    },
    quietOn: {
      'a service account read': resourceRequest({ verb: 'get', resource: 'serviceaccounts', namespace: 'kube-system', name: 'kube-proxy', user: REPLICASET_CONTROLLER }),
      'a service account deleted': resourceRequest({ verb: 'delete', resource: 'serviceaccounts', namespace: 'shop', name: 'legacy-ci' }),
    },
  },
  'kubernetes_audit_sidecar_injection.yml': {
    refused: /^detection\.selection\.apiGroup: unknown field "apiGroup": not an audit Event field; did you mean "objectRef\.apiGroup"\?$/,
    why: 'the audit Event has apiGroup only under objectRef',
    corrected: {
      replace: ['apiGroup:', 'objectRef.apiGroup:'],
      firesOn: resourceRequest({
        verb: 'patch',
        resource: 'deployments',
        group: 'apps',
        namespace: 'shop',
        name: 'checkout',
        requestObject: { spec: { template: { spec: { containers: [{ name: 'checkout' }, { name: 'metrics-helper', image: 'docker.io/attacker/miner:latest' }] } } } },
      }),
    },
  },
  'kubernetes_audit_unauthorized_unauthenticated_actions.yml': {
    loads: true,
    firesOn: {
      'a forbidden read of a secret': resourceRequest({
        verb: 'get',
        resource: 'secrets',
        namespace: 'payments',
        name: 'stripe-api-key',
        code: 403,
        user: { ...HUMAN_USER, username: 'mallory@example.com' },
      }),
      'a request with an expired token': UNAUTHENTICATED,
    },
    quietOn: {
      'a read of a secret that does not exist': resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key-old', code: 404 }),
      'an allowed read': resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key' }),
    },
  },
};

const FOLDER = 'sigmahq-kubernetes-audit';
const FILES = listFixtures(FOLDER).map((file) => file.slice(FOLDER.length + 1));
const SOURCES = FILES.map((file) => ({ path: file, text: readFixtureText(`${FOLDER}/${file}`) }));
const { rules, refusals } = compileRules(SOURCES);
const LOADED = Object.entries(EXPECTED).flatMap(([file, expected]) => ('loads' in expected ? [[file, expected] as const] : []));
const REFUSED = Object.entries(EXPECTED).flatMap(([file, expected]) => ('refused' in expected ? [[file, expected] as const] : []));

function loadedRule(file: string) {
  const rule = rules.all.find((candidate) => candidate.path === file);
  if (!rule) throw new Error(`${file} did not load: ${refusals.find((refusal) => refusal.path === file)?.problems.join('; ')}`);
  return rule;
}

describe('SigmaHQ Kubernetes audit rules', () => {
  it('every rule file of the set is described here, and nothing else', () => {
    // Assess
    expect(Object.keys(EXPECTED).sort()).toEqual(FILES);
  });

  it('the rules that load and those refused are the ones described', () => {
    // Assess
    expect({ loaded: rules.all.map((rule) => rule.path).sort(), refused: refusals.map((refusal) => refusal.path).sort() }).toEqual({
      loaded: LOADED.map(([file]) => file).sort(),
      refused: REFUSED.map(([file]) => file).sort(),
    });
  });

  it.each(LOADED.map(([file]) => file))("%s keeps the rule's id, title, level, status, tags, references and false positives", (file) => {
    // Prepare
    const document = parseYaml(readFixtureText(`${FOLDER}/${file}`)) as Record<string, unknown>;

    // Act
    const rule = loadedRule(file);

    // Assess
    expect(rule).toMatchObject({
      id: document.id,
      title: document.title,
      level: document.level,
      status: document.status,
      tags: document.tags,
      references: document.references,
      falsepositives: document.falsepositives,
    });
  });

  describe.each(LOADED)('%s', (file, expected) => {
    it.each(Object.entries(expected.firesOn))('fires on %s', (_intent, event) => {
      // Act
      const fires = loadedRule(file).matches(event);

      // Assess
      expect(fires).toBe(true);
    });

    it.each(Object.entries(expected.quietOn))('does not fire on %s', (_nearMiss, event) => {
      // Act
      const fires = loadedRule(file).matches(event);

      // Assess
      expect(fires).toBe(false);
    });
  });

  it.each(REFUSED.map(([file, expected]) => [file, expected.why, expected.refused] as const))('%s is refused, naming the feature (%s)', (file, _why, refused) => {
    // Act
    const refusal = refusals.find((candidate) => candidate.path === file);

    // Assess
    expect(refusal?.problems).toEqual([expect.stringMatching(refused)]);
  });

  it.each(REFUSED.flatMap(([file, expected]) => (expected.corrected ? [[file, expected.corrected] as const] : [])))(
    '%s, corrected as its refusal suggests, loads and fires',
    (file, corrected) => {
      // Prepare
      const text = readFixtureText(`${FOLDER}/${file}`).replace(...corrected.replace);

      // Act
      const loaded = loadRule(file, text);

      // Assess
      expect(loaded.ok && loaded.rule.matches(corrected.firesOn)).toBe(true);
    },
  );
});
