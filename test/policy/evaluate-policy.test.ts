/**
 * The audit policy checker of kube-apiserver (k8s.io/apiserver pkg/audit/policy), restated: which
 * level each kind of request gets against each kind of rule, how omitStages unite and which
 * omitManagedFields wins.
 */
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../shared/transforms/policy/compile-policy.ts';
import type { PolicyRule } from '../../shared/transforms/policy/policy-schema.ts';
import type { RequestAttributes } from '../../shared/transforms/policy/request-attributes.ts';
import { policyOf } from './policy-builders.ts';

const priya = { name: 'priya@example.com', groups: ['platform-team', 'system:authenticated'] };

/** Requests as the API server's audit filter sees them. */
const REQUESTS = {
  /** `kubectl get pod web-0 -n shop` */
  namespaced: resourceRequest({ resource: 'pods', namespace: 'shop', name: 'web-0', path: '/api/v1/namespaces/shop/pods/web-0' }),
  /** `kubectl get clusterrole admin` */
  clusterScoped: resourceRequest({
    apiGroup: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    name: 'admin',
    path: '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
  }),
  /** `GET /logs/kube-apiserver.log` */
  nonResource: { ...resourceRequest({ path: '/logs/kube-apiserver.log' }), isResourceRequest: false },
  /** `kubectl logs web-0 -n shop` */
  subresource: resourceRequest({ resource: 'pods', subresource: 'log', namespace: 'shop', name: 'web-0', path: '/api/v1/namespaces/shop/pods/web-0/log' }),
  /** The namespaced read, by nobody the API server could identify. */
  unauthenticated: { ...resourceRequest({ resource: 'pods', namespace: 'shop', name: 'web-0', path: '/api/v1/namespaces/shop/pods/web-0' }), user: null },
} satisfies Record<string, RequestAttributes>;
type RequestName = keyof typeof REQUESTS;

function resourceRequest(fields: Partial<RequestAttributes>): RequestAttributes {
  return { user: priya, verb: 'get', isResourceRequest: true, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: '', ...fields };
}

/** One rule of each kind, named for what it selects. */
const RULES = {
  everything: { level: 'Metadata' },
  creates: { level: 'Request', verbs: ['create'] },
  userPriya: { level: 'Metadata', users: ['priya@example.com'] },
  groupPlatformTeam: { level: 'Metadata', userGroups: ['platform-team'] },
  groupServiceAccounts: { level: 'Request', userGroups: ['system:serviceaccounts'] },
  podReads: { level: 'RequestResponse', verbs: ['get'], resources: [{ resources: ['pods'] }] },
  podLogReads: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/log'] }] },
  anyResourceReads: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*'] }] },
  anyLogSubresourceReads: { level: 'Request', verbs: ['get'], resources: [{ resources: ['*/log'] }] },
  podAndSubresourceReads: { level: 'Request', verbs: ['get'], resources: [{ resources: ['pods/*'] }] },
  clusterScopedClusterRoleReads: {
    level: 'RequestResponse',
    verbs: ['get'],
    resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'] }],
    namespaces: [''],
  },
  adminClusterRole: { level: 'Request', resources: [{ group: 'rbac.authorization.k8s.io', resources: ['clusterroles'], resourceNames: ['admin'] }] },
  logPathReads: { level: 'RequestResponse', verbs: ['get'], nonResourceURLs: ['/logs*'] },
  metricsReads: { level: 'Request', verbs: ['get'], nonResourceURLs: ['/metrics'] },
  shopNamespace: { level: 'Request', namespaces: ['shop'] },
  omitReceived: { level: 'Request', omitStages: ['RequestReceived'] },
  onlyPanics: { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete'] },
} satisfies Record<string, PolicyRule>;
type RuleName = keyof typeof RULES;

function policyWith(names: RuleName[], omitStages: Stage[] = []) {
  return policyOf(
    names.map((name) => RULES[name]),
    { omitStages },
  );
}

type LevelCase = [request: RequestName, rules: RuleName[], level: string];

const LEVEL_CASES: LevelCase[] = [
  ['namespaced', ['everything'], 'Metadata'],
  ['namespaced', ['creates'], 'None'],
  ['namespaced', ['userPriya'], 'Metadata'],
  ['namespaced', ['groupPlatformTeam'], 'Metadata'],
  ['namespaced', ['groupServiceAccounts'], 'None'],
  ['namespaced', ['podReads'], 'RequestResponse'],
  ['namespaced', ['clusterScopedClusterRoleReads'], 'None'],
  ['namespaced', ['logPathReads'], 'None'],
  ['namespaced', ['metricsReads'], 'None'],
  ['namespaced', ['shopNamespace'], 'Request'],
  ['namespaced', ['metricsReads', 'groupServiceAccounts', 'everything'], 'Metadata'],
  ['namespaced', ['metricsReads', 'podReads', 'everything'], 'RequestResponse'],
  ['namespaced', ['podLogReads', 'podReads'], 'RequestResponse'],

  ['clusterScoped', ['everything'], 'Metadata'],
  ['clusterScoped', ['creates'], 'None'],
  ['clusterScoped', ['userPriya'], 'Metadata'],
  ['clusterScoped', ['groupPlatformTeam'], 'Metadata'],
  ['clusterScoped', ['groupServiceAccounts'], 'None'],
  ['clusterScoped', ['podReads'], 'None'],
  ['clusterScoped', ['clusterScopedClusterRoleReads'], 'RequestResponse'],
  ['clusterScoped', ['adminClusterRole', 'clusterScopedClusterRoleReads'], 'Request'],
  ['clusterScoped', ['logPathReads'], 'None'],
  ['clusterScoped', ['metricsReads'], 'None'],
  ['clusterScoped', ['shopNamespace'], 'None'],
  ['clusterScoped', ['metricsReads', 'groupServiceAccounts', 'everything'], 'Metadata'],
  ['clusterScoped', ['metricsReads', 'clusterScopedClusterRoleReads', 'everything'], 'RequestResponse'],
  ['clusterScoped', ['podLogReads', 'podReads'], 'None'],

  ['nonResource', ['everything'], 'Metadata'],
  ['nonResource', ['creates'], 'None'],
  ['nonResource', ['userPriya'], 'Metadata'],
  ['nonResource', ['groupPlatformTeam'], 'Metadata'],
  ['nonResource', ['groupServiceAccounts'], 'None'],
  ['nonResource', ['podReads'], 'None'],
  ['nonResource', ['anyResourceReads'], 'None'],
  ['nonResource', ['clusterScopedClusterRoleReads'], 'None'],
  ['nonResource', ['shopNamespace'], 'None'],
  ['nonResource', ['logPathReads'], 'RequestResponse'],
  ['nonResource', ['metricsReads'], 'None'],
  ['nonResource', ['metricsReads', 'groupServiceAccounts', 'everything'], 'Metadata'],
  ['nonResource', ['logPathReads', 'clusterScopedClusterRoleReads', 'everything'], 'RequestResponse'],
  ['nonResource', ['podLogReads', 'podReads'], 'None'],

  ['subresource', ['podReads'], 'None'],
  ['subresource', ['podLogReads', 'podReads'], 'Request'],
  ['subresource', ['anyResourceReads'], 'Request'],
  ['subresource', ['anyLogSubresourceReads'], 'Request'],
  ['subresource', ['podAndSubresourceReads'], 'Request'],

  ['unauthenticated', ['userPriya'], 'None'],
  ['unauthenticated', ['userPriya', 'everything'], 'Metadata'],
  ['unauthenticated', ['groupPlatformTeam'], 'None'],
  ['unauthenticated', ['groupPlatformTeam', 'everything'], 'Metadata'],
];

describe('policy evaluation', () => {
  describe.each([
    ['no policy-wide omitStages', [] as Stage[]],
    ['policy-wide omitStages', ['RequestReceived', 'ResponseStarted'] as Stage[]],
  ])('with %s', (_label, policyStages) => {
    it.each(LEVEL_CASES)('a %s request against rules %j gets level %s', (request, rules, level) => {
      // Prepare
      const policy = policyWith(rules, policyStages);

      // Act
      const decision = policy.evaluate(REQUESTS[request]);

      // Assess
      expect(decision.level).toBe(level);
      expect([...decision.omitStages].sort()).toEqual([...policyStages].sort());
    });
  });

  it.each<[string, RuleName, RequestAttributes, boolean]>([
    ['pods/* matches the pods resource itself', 'podAndSubresourceReads', resourceRequest({ resource: 'pods', namespace: 'shop' }), true],
    ['pods/* does not match another resource', 'podAndSubresourceReads', resourceRequest({ resource: 'services', subresource: 'proxy' }), false],
    ['*/log needs a subresource', 'anyLogSubresourceReads', resourceRequest({ resource: 'pods', namespace: 'shop' }), false],
    ['pods does not match its subresources', 'podReads', REQUESTS.subresource, false],
  ])('%s', (_name, rule, request, matches) => {
    // Prepare
    const policy = policyWith([rule]);

    // Act
    const decision = policy.evaluate(request);

    // Assess
    expect(decision.level === 'None').toBe(!matches);
  });

  it.each([
    ['the exact path', '/metrics', ['/metrics'], true],
    ['a longer path under an exact one', '/metrics/slis', ['/metrics'], false],
    ['a path with the prefix of a trailing-* entry', '/healthz/etcd', ['/healthz*'], true],
    ['the prefix itself', '/healthz', ['/healthz*'], true],
    ['any path under *', '/openapi/v3', ['*'], true],
    ['a path not covered', '/version', ['/healthz*', '/metrics'], false],
  ])('a non-resource rule matches %s: %s against %j → %s', (_name, path, urls, matches) => {
    // Prepare
    const policy = policyOf([{ level: 'Metadata', nonResourceURLs: urls }]);

    // Act
    const decision = policy.evaluate({ ...REQUESTS.nonResource, path });

    // Assess
    expect(decision.level).toBe(matches ? 'Metadata' : 'None');
  });

  it('a group of "" is the core group, and only the core group', () => {
    // Prepare
    const policy = policyOf([{ level: 'Request', resources: [{ group: '', resources: ['clusterroles', 'pods'] }] }]);

    // Act
    const core = policy.evaluate(REQUESTS.namespaced);
    const rbac = policy.evaluate(REQUESTS.clusterScoped);

    // Assess
    expect([core.level, rbac.level]).toEqual(['Request', 'None']);
  });

  it('resourceNames restricts a rule to objects of those names', () => {
    // Prepare
    const policy = policyOf([{ level: 'Request', resources: [{ resources: ['pods'], resourceNames: ['web-1'] }] }]);

    // Act
    const decision = policy.evaluate(REQUESTS.namespaced);

    // Assess
    expect(decision.level).toBe('None');
  });

  it('names the rule that matched', () => {
    // Prepare
    const policy = policyWith(['metricsReads', 'podReads', 'everything']);

    // Act
    const decision = policy.evaluate(REQUESTS.namespaced);

    // Assess
    expect(decision.ruleIndex).toBe(1);
  });
});

describe('omitStages', () => {
  type StageCase = [name: string, policyStages: Stage[], rules: RuleName[], request: RequestName, expected: Stage[]];
  it.each<StageCase>([
    ['a matching rule omits its own stages', [], ['omitReceived', 'podReads'], 'namespaced', ['RequestReceived']],
    ['a rule can leave only Panic', [], ['onlyPanics', 'podReads'], 'clusterScoped', ['RequestReceived', 'ResponseStarted', 'ResponseComplete']],
    ['policy and rule stages unite', ['RequestReceived', 'ResponseStarted'], ['omitReceived'], 'nonResource', ['RequestReceived', 'ResponseStarted']],
    ['the union holds each stage once', ['ResponseStarted', 'Panic'], ['onlyPanics'], 'namespaced', ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']],
    ['a later rule does not add its stages', ['RequestReceived', 'ResponseStarted'], ['everything', 'omitReceived'], 'nonResource', ['RequestReceived', 'ResponseStarted']],
    ['no matching rule: the policy-wide stages', ['Panic'], ['creates'], 'namespaced', ['Panic']],
  ])('%s', (_name, policyStages, rules, request, expected) => {
    // Prepare
    const policy = policyWith(rules, policyStages);

    // Act
    const decision = policy.evaluate(REQUESTS[request]);

    // Assess
    expect([...decision.omitStages].sort()).toEqual([...expected].sort());
  });
});

describe('omitManagedFields', () => {
  it.each([
    ['policy false, rule silent', false, undefined, false],
    ['policy true, rule silent', true, undefined, true],
    ['policy true, rule false', true, false, false],
    ['policy false, rule true', false, true, true],
  ])('%s → %s', (_name, policyDefault, ruleValue, expected) => {
    // Prepare
    const policy = policyOf([{ level: 'RequestResponse', verbs: ['get'], omitManagedFields: ruleValue }], { omitManagedFields: policyDefault });

    // Act
    const decision = policy.evaluate(REQUESTS.namespaced);

    // Assess
    expect(decision.omitManagedFields).toBe(expected);
  });

  it('with no matching rule, the policy default', () => {
    // Prepare
    const policy = policyOf([{ level: 'RequestResponse', verbs: ['create'], omitManagedFields: false }], { omitManagedFields: true });

    // Act
    const decision = policy.evaluate(REQUESTS.namespaced);

    // Assess
    expect(decision).toMatchObject({ level: 'None', omitManagedFields: true });
  });
});
