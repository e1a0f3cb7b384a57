/**
 * Loading a Policy file: kube-apiserver's validation of audit.k8s.io Policy (apis/audit/validation
 * and the policy reader), restated, with messages that name the rule and field.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../shared/transforms/policy/load-policy.ts';
import { configProblems, policyText } from './policy-builders.ts';

function problemsOf(text: string): readonly string[] {
  return configProblems(() => loadPolicy(text, 'audit-policy.yaml'));
}

describe('loading a Policy', () => {
  it.each([
    ['a catch-all rule', { level: 'Metadata' }],
    ['a rule for identities', { level: 'None', userGroups: ['system:serviceaccounts', 'system:nodes'] }],
    [
      'a rule for a request',
      { level: 'RequestResponse', verbs: ['get'], resources: [{ group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] }], namespaces: ['kube-system'] },
    ],
    ['a rule for non-resource URLs', { level: 'Metadata', userGroups: ['developers'], nonResourceURLs: ['/logs*', '/healthz*', '/metrics', '*'] }],
    ['a rule for named objects', { level: 'Request', resources: [{ resources: ['configmaps'], resourceNames: ['aws-auth'] }] }],
    ['a rule with every stage omitted but Panic', { level: 'Request', omitStages: ['RequestReceived', 'ResponseStarted', 'ResponseComplete'] }],
  ])('accepts %s', (_name, rule) => {
    // Prepare
    const text = policyText([rule]);

    // Act
    const loaded = loadPolicy(text, 'audit-policy.yaml');

    // Assess
    expect(loaded).toMatchObject({ policy: { ruleCount: 1 }, warnings: [] });
  });

  it('accepts YAML with comments and empty lists', () => {
    // Prepare
    const text = [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: # nothing',
      'rules:',
      '  # health checks',
      '  - level: None',
      '    nonResourceURLs: ["/healthz*"]',
      '    users:',
      '  - level: Metadata',
    ].join('\n');

    // Act
    const loaded = loadPolicy(text, 'audit-policy.yaml');

    // Assess
    expect(loaded.policy.ruleCount).toBe(2);
  });

  it.each([
    ['a rule without a level', [{ verbs: ['get'], resources: [{ resources: ['secrets'] }] }], 'rules[0].level: required'],
    ['an unknown level', [{ level: 'FooBar' }], 'rules[0].level: unsupported value "FooBar": expected one of None, Metadata, Request, RequestResponse'],
    ['an unknown stage', [{ level: 'Metadata', omitStages: ['Done'] }], 'rules[0].omitStages[0]: unsupported value "Done"'],
    [
      'non-resource URLs with namespaces',
      [{ level: 'Metadata', namespaces: ['default'], nonResourceURLs: ['/logs*'] }],
      'rules[0].nonResourceURLs: a rule cannot apply to both non-resource URLs and resources or namespaces',
    ],
    [
      'non-resource URLs with resources',
      [{ level: 'Metadata', resources: [{ resources: ['secrets'] }], nonResourceURLs: ['/logs*'] }],
      'rules[0].nonResourceURLs: a rule cannot apply to both',
    ],
    [
      'a group name with a version',
      [{ level: 'Metadata', resources: [{ group: 'rbac.authorization.k8s.io/v1beta1', resources: ['roles'] }] }],
      'rules[0].resources[0].group: "rbac.authorization.k8s.io/v1beta1" is not an API group name',
    ],
    [
      'a group name in upper case',
      [{ level: 'Metadata', resources: [{ group: 'Apps', resources: ['deployments'] }] }],
      'rules[0].resources[0].group: "Apps" is not an API group name',
    ],
    [
      'a non-resource URL without a leading slash',
      [{ level: 'Metadata', nonResourceURLs: ['logs', '/healthz*'] }],
      'rules[0].nonResourceURLs[0]: "logs": a non-resource URL must start with "/"',
    ],
    ['an empty non-resource URL', [{ level: 'Metadata', nonResourceURLs: ['', '/healthz*'] }], 'rules[0].nonResourceURLs[0]: "": a non-resource URL must start with "/"'],
    [
      'two wildcards in a non-resource URL',
      [{ level: 'Metadata', nonResourceURLs: ['/logs/*/*', '/metrics'] }],
      'rules[0].nonResourceURLs[0]: "/logs/*/*": a wildcard "*" may only be the last character',
    ],
    ['a wildcard inside a non-resource URL', [{ level: 'Metadata', nonResourceURLs: ['/metrics', '/logs/*.log'] }], 'rules[0].nonResourceURLs[1]: "/logs/*.log": a wildcard'],
    [
      'resourceNames without resources',
      [{ level: 'Metadata', resources: [{ group: 'apps', resourceNames: ['web'] }] }],
      'rules[0].resources[0].resourceNames: resourceNames needs at least one resource',
    ],
    ['no rules', [], 'rules: a policy needs at least one rule'],
    ['a bad rule after good ones', [{ level: 'None', userGroups: ['system:nodes'] }, { level: 'Metadata' }, {}], 'rules[2].level: required'],
  ])('refuses %s', (_name, rules, problem) => {
    // Prepare
    const text = policyText(rules);

    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it.each([
    [
      'another API version',
      { apiVersion: 'audit.k8s.io/v1beta1', kind: 'Policy', rules: [{ level: 'Metadata' }] },
      'apiVersion: unsupported value "audit.k8s.io/v1beta1": expected audit.k8s.io/v1',
    ],
    ['another kind', { apiVersion: 'audit.k8s.io/v1', kind: 'AuditSink', rules: [{ level: 'Metadata' }] }, 'kind: unsupported value "AuditSink": expected Policy'],
    ['no rules field', { apiVersion: 'audit.k8s.io/v1', kind: 'Policy' }, 'rules: required'],
    [
      'an unknown policy-wide stage',
      { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['Started'], rules: [{ level: 'Metadata' }] },
      'omitStages[0]: unsupported value "Started"',
    ],
  ])('refuses %s', (_name, document, problem) => {
    // Prepare
    const text = JSON.stringify(document);

    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('reports every problem of a file at once', () => {
    // Prepare
    const text = policyText([
      { level: 'Loud', nonResourceURLs: ['healthz'] },
      { level: 'Metadata', verbs: 'get' },
    ]);

    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems).toEqual([
      expect.stringContaining('rules[0].level: unsupported value "Loud"'),
      expect.stringContaining('rules[0].nonResourceURLs[0]: "healthz"'),
      'rules[1].verbs: expected array, got string',
    ]);
  });

  it('says where YAML that does not parse goes wrong', () => {
    // Prepare
    const text = 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [\n';

    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^YAML: .* at line \d+, column \d+$/)]);
  });

  it('ignores unknown fields as the API server does, with a warning naming them', () => {
    // Prepare
    const text = policyText([{ level: 'None', userGroup: ['system:nodes'] }, { level: 'Metadata' }]);

    // Act
    const loaded = loadPolicy(text, 'audit-policy.yaml');

    // Assess
    expect(loaded.warnings).toEqual(['rules[0]: unknown field "userGroup" ignored']);
    expect(loaded.policy.evaluate(requestBy('alice')).level).toBe('None');
  });
});

function requestBy(name: string) {
  return { user: { name, groups: [] }, verb: 'get', isResourceRequest: false, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: '/version' };
}
