/** User-configured redaction: the path syntax, the document, and what it redacts. */
import { describe, expect, it } from 'vitest';
import { ANY, parseJsonPath } from '../../shared/transforms/redaction/json-path.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { loadRedactionRules } from '../../shared/transforms/redaction/redaction-config.ts';
import { createRedactor } from '../../shared/transforms/redaction/redactor.ts';
import { configProblems } from '../policy/policy-builders.ts';

describe('redaction paths', () => {
  it.each([
    ['data', ['data']],
    ['spec.token', ['spec', 'token']],
    ['data.*', ['data', ANY]],
    ['spec.containers[*].env[*].value', ['spec', 'containers', ANY, 'env', ANY, 'value']],
    ['spec.containers[0].args', ['spec', 'containers', '0', 'args']],
    ['metadata.annotations["example.com/api-token"]', ['metadata', 'annotations', 'example.com/api-token']],
    ["metadata.annotations['example.com/api-token']", ['metadata', 'annotations', 'example.com/api-token']],
    ['[*].password', [ANY, 'password']],
    ['metadata.labels["*"]', ['metadata', 'labels', '*']],
  ])('reads %s', (text, segments) => {
    // Act
    const parsed = parseJsonPath(text);

    // Assess
    expect(parsed).toEqual(segments);
  });

  it.each([
    ['', 'a path needs at least one named field'],
    ['*', 'a path needs at least one named field'],
    ['data..password', 'expected a field name at character 6'],
    ['.data', 'expected a field name at character 1'],
    ['data.', 'expected a field name at character 6'],
    ['env[value', 'expected "." or "[" at character 4'],
    ['env[*]value', 'expected "." or "[" at character 7'],
  ])('refuses %j: %s', (text, error) => {
    // Act
    const parsed = parseJsonPath(text);

    // Assess
    expect(parsed).toEqual({ error });
  });
});

describe('redaction configuration', () => {
  const problemsOf = (text: string) => configProblems(() => loadRedactionRules(text, 'redaction.yaml'));

  it.each([
    ['a path that does not parse', '- resources: [configmaps]\n  paths: ["data..key"]', '[0].paths[0]: "data..key": expected a field name at character 6'],
    ['no resources', '- paths: [data]', '[0].resources: required, expected array'],
    ['no paths', '- resources: [configmaps]\n  paths: []', '[0].paths: name at least one path'],
    ['a group with a version', '- group: apps/v1\n  resources: [deployments]\n  paths: [spec]', '[0].group: "apps/v1" is not an API group name'],
    ['a map instead of a list', 'configmaps: [data]', '(document): expected array, got object'],
  ])('refuses %s, naming the entry', (_name, text, problem) => {
    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('redacts the fields named, in the resources named, lists and last-applied included', () => {
    // Prepare
    const text = ['- group: apps', '  resources: [deployments]', '  paths: ["spec.template.spec.containers[*].env[*].value"]'].join('\n');
    const redactor = createRedactor(loadRedactionRules(text, 'redaction.yaml').value);
    const env = [{ name: 'DB_URL', value: 'postgres://app:Pw-7f3c91d2e8a4b6@db:5432/shop' }];
    const deployment = { kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'api', image: 'shop/api:1.4', env }] } } } };
    const list = { kind: 'DeploymentList', items: [deployment] };

    // Act
    const redacted = redactor.redactBody(list, { apiGroup: 'apps', resource: 'deployments', subresource: '' }, false);
    const otherGroup = redactor.redactBody(list, { apiGroup: 'extensions', resource: 'deployments', subresource: '' }, false);

    // Assess
    expect(redacted).toEqual({
      kind: 'DeploymentList',
      items: [{ kind: 'Deployment', spec: { template: { spec: { containers: [{ name: 'api', image: 'shop/api:1.4', env: [{ name: 'DB_URL', value: REDACTED }] }] } } } }],
    });
    expect(otherGroup).toBe(list);
  });

  it('redacts a whole object under a path, keeping its keys', () => {
    // Prepare
    const redactor = createRedactor(loadRedactionRules('[{"resources": ["configmaps"], "paths": ["data"]}]', 'inline').value);
    const configMap = { kind: 'ConfigMap', data: { a: '1', b: 'two' }, binaryData: { c: 'AAEC' } };

    // Act
    const redacted = redactor.redactBody(configMap, { apiGroup: '', resource: 'configmaps', subresource: '' }, false);

    // Assess
    expect(redacted).toEqual({ kind: 'ConfigMap', data: { a: REDACTED, b: REDACTED }, binaryData: { c: 'AAEC' } });
  });
});
