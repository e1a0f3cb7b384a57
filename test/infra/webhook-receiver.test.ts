import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import { kauditTemplate, onlyResource } from './helpers/kaudit-app.ts';

const WEBHOOK_DESCRIPTION = Match.stringLikeRegexp('audit webhook receiver');

/** The logical id and properties of the webhook function. */
function webhookFunction(template: Template): { id: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: WEBHOOK_DESCRIPTION } }));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: Record<string, any> }];
  return { id, properties: resource.Properties };
}

function ingestEnvironment(template: Template): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('CloudWatch Logs subscriptions') } }));
  return found[0]?.Properties.Environment.Variables as Record<string, unknown>;
}

describe('the kaudit stack’s webhook option', () => {
  let template: Template;
  beforeAll(() => {
    template = kauditTemplate({ clusters: 'prod-eu', webhook: 'true' });
  });

  it('deploys the webhook function behind a Function URL that checks no AWS credentials', () => {
    // Act
    const { id } = webhookFunction(template);

    // Assess
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [id, 'Arn'] } });
  });

  it('lets anyone invoke the function through its URL only', () => {
    // Act
    const { id } = webhookFunction(template);
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { FunctionName: { 'Fn::GetAtt': [id, 'Arn'] } } })).map(
      (permission) => permission.Properties,
    );

    // Assess
    expect(permissions).toEqual([
      expect.objectContaining({ Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' }),
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true }),
    ]);
  });

  it('outputs the URL for the API server’s webhook kubeconfig', () => {
    // Act
    const url = onlyResource(template, 'AWS::Lambda::Url');

    // Assess
    template.hasOutput('WebhookUrl', { Value: { 'Fn::GetAtt': [url.id, 'FunctionUrl'] } });
  });

  it('reads its tokens from the kaudit-webhook-tokens secret, resolved by CloudFormation at deployment', () => {
    // Act
    const environment = webhookFunction(template).properties.Environment.Variables;

    // Assess
    expect(environment[SETTINGS.webhookTokens]).toBe('{{resolve:secretsmanager:kaudit-webhook-tokens:SecretString:::}}');
  });

  it('stores into the lake with the same settings as the ingest function', () => {
    // Act
    const { [SETTINGS.webhookTokens]: _tokens, ...environment } = webhookFunction(template).properties.Environment.Variables;

    // Assess
    expect(environment).toEqual(ingestEnvironment(template));
  });

  it('may create lake objects and write its logs, and has no access to the secret', () => {
    // Act
    const role = webhookFunction(template).properties.Role['Fn::GetAtt'][0] as string;
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
    const actions = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action));

    // Assess
    expect(new Set(actions)).toEqual(new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject']));
  });

  it('alarms on any error and any throttle of the webhook function', () => {
    // Act
    const { id } = webhookFunction(template);

    // Assess
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }], Threshold: 1 });
    }
  });

  it('alarms on any 5xx answer of its URL, such as the 503 of a store failure, which is no function error', () => {
    // Act
    const { id } = webhookFunction(template);

    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Url5xxCount',
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
      Threshold: 1,
    });
  });

  it('reads the configured secret at the configured version, and caps the function’s concurrency', () => {
    // Act
    const configured = kauditTemplate({
      webhook: 'true',
      webhookTokensSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:onprem-tokens-AbCdEf',
      webhookTokensSecretVersion: '0b7e1c2a-3f4d-4e5a-9b6c-7d8e9f0a1b2c',
      webhookReservedConcurrency: '10',
    });

    // Assess
    const { properties } = webhookFunction(configured);
    expect(properties.Environment.Variables[SETTINGS.webhookTokens]).toBe(
      '{{resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:onprem-tokens-AbCdEf:SecretString:::0b7e1c2a-3f4d-4e5a-9b6c-7d8e9f0a1b2c}}',
    );
    expect(properties.ReservedConcurrentExecutions).toBe(10);
  });

  it('has no webhook function and no public URL unless the webhook is asked for', () => {
    // Act
    const without = kauditTemplate({ clusters: 'prod-eu' });

    // Assess
    without.resourceCountIs('AWS::Lambda::Url', 0);
    expect(without.findResources('AWS::Lambda::Function', { Properties: { Description: WEBHOOK_DESCRIPTION } })).toEqual({});
    expect(without.findOutputs('WebhookUrl')).toEqual({});
  });
});

describe('webhook configuration', () => {
  it('reads `-c webhook=false` as off and a config file’s `true` as on', () => {
    // Act
    const off = loadAwsDeploymentConfig((key) => ({ webhook: 'false' })[key]);
    const on = loadAwsDeploymentConfig((key) => ({ webhook: true })[key]);

    // Assess
    expect(off.webhook).toBe(false);
    expect(on).toMatchObject({ webhook: true, webhookTokensSecret: 'kaudit-webhook-tokens' });
  });

  it('refuses webhook settings when the webhook is not deployed', () => {
    // Act
    const load = () => loadAwsDeploymentConfig((key) => ({ webhookReservedConcurrency: '5' })[key]);

    // Assess
    expect(load).toThrow(/webhook settings are given, but the webhook is not deployed/);
  });
});
