import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/core/settings.ts';
import { sigmaRuleText } from '../detection/detection-builders.ts';
import { kauditTemplate, onlyIngestResource, onlyResource } from './helpers/kaudit-app.ts';

describe('detections and alerts in the AWS stack', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'kaudit-rules-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function ruleFile(name: string, text: string): string {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  }

  it('deploys no bus and no topic without rules', () => {
    // Act
    const template = kauditTemplate({ clusters: 'prod-eu' });

    // Assess
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('routes findings from the bus to an encrypted topic with the e-mail subscribed, and lets every function send to the bus', () => {
    // Act
    const template = kauditTemplate({ clusters: 'prod-eu', webhook: 'true', rules: 'built-in', alertLevel: 'medium', alertEmail: 'secops@example.com' });

    // Assess
    const bus = onlyResource(template, 'AWS::Events::EventBus');
    const topic = onlyResource(template, 'AWS::SNS::Topic');
    expect(topic.properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus.id },
      EventPattern: { source: ['kaudit'], 'detail-type': ['kaudit finding'] },
      Targets: [Match.objectLike({ Arn: { Ref: topic.id } })],
    });
    const functions = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [SETTINGS.rules]: 'built-in' } } } }));
    // The EKS and webhook functions, and the analytics job.
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Properties.Environment.Variables).toMatchObject({ [SETTINGS.alertEventBus]: { Ref: bus.id }, [SETTINGS.alertLevel]: 'medium' });
    const putters = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).some((statement) => [statement.Action].flat().includes('events:PutEvents')),
    );
    // Their three roles: the compaction job sends nothing.
    expect(putters).toHaveLength(3);
  });

  it('passes rule files inline beside the pack, with the approved networks and disabled rules', () => {
    // Prepare
    const rule = ruleFile('exec.yml', sigmaRuleText({ selection: { 'objectRef.subresource': 'exec' }, condition: 'selection' }));

    // Act
    const template = kauditTemplate({
      clusters: 'prod-eu',
      rules: `built-in,${rule}`,
      approvedNetworks: '{"prod-eu":["10.20.0.0/16"]}',
      disabledRules: '312871d0-93ca-49fe-8d95-fc3927f7989b',
    });

    // Assess
    const variables = onlyIngestResource(template, 'AWS::Lambda::Function').properties.Environment.Variables;
    const rules = JSON.parse(variables[SETTINGS.rules]) as unknown[];
    expect(rules[0]).toBe('built-in');
    expect(rules[1]).toMatchObject({ title: 'Exec Into A Pod', detection: { condition: 'selection' } });
    expect(variables[SETTINGS.approvedNetworks]).toBe('{"prod-eu":["10.20.0.0/16"]}');
    expect(variables[SETTINGS.disabledRules]).toBe('312871d0-93ca-49fe-8d95-fc3927f7989b');
  });

  it('fails synthesis naming the file and the problem when a rule does not load', () => {
    // Prepare
    const rule = ruleFile('bad.yml', sigmaRuleText({ selection: { 'requestURI|base64offset|contains': 'sh' }, condition: 'selection' }));

    // Act
    const synth = () => kauditTemplate({ clusters: 'prod-eu', rules: rule });

    // Assess
    expect(synth).toThrow(/bad\.yml: .*base64offset/);
  });
});
