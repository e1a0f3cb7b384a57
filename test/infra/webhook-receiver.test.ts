import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { kauditTemplate, onlyResource } from './helpers/kaudit-app.ts';

const WEBHOOK_DESCRIPTION = Match.stringLikeRegexp('audit webhook receiver');
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:onprem-tokens-AbCdEf';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The logical id and properties of the webhook function. */
function webhookFunction(template: Template): { id: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: WEBHOOK_DESCRIPTION } }));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: Record<string, any> }];
  return { id, properties: resource.Properties };
}

/** Every statement of the IAM policies of the webhook function's role. */
function webhookStatements(template: Template): Statement[] {
  const role = webhookFunction(template).properties.Role['Fn::GetAtt'][0] as string;
  const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }));
  return policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
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

  it('is told the name of the kaudit-webhook-tokens secret, which it reads itself, and not the tokens', () => {
    // Act
    const environment = webhookFunction(template).properties.Environment.Variables;

    // Assess
    expect(environment[SETTINGS.webhookTokensSecret]).toBe('kaudit-webhook-tokens');
    expect(environment[SETTINGS.webhookTokens]).toBeUndefined();
  });

  it('puts no secret reference into any function’s configuration, which lambda:GetFunctionConfiguration shows', () => {
    // Act
    const withFirehose = kauditTemplate({ clusters: 'prod-eu', firehoseClusters: 'busy-eu', webhook: 'true' });
    const environments = Object.values(withFirehose.findResources('AWS::Lambda::Function')).map((resource) => JSON.stringify(resource.Properties.Environment));

    // Assess
    // The three ingest functions and the two lake jobs.
    expect(environments).toHaveLength(5);
    for (const environment of environments) {
      expect(environment).not.toMatch(/\{\{resolve:(secretsmanager|ssm-secure):/);
      expect(environment).not.toContain(`"${SETTINGS.webhookTokens}"`);
    }
  });

  it('stores into the lake with the same settings as the ingest function', () => {
    // Act
    const { [SETTINGS.webhookTokensSecret]: _secret, ...environment } = webhookFunction(template).properties.Environment.Variables;

    // Assess
    expect(environment).toEqual(ingestEnvironment(template));
  });

  it('may create lake objects, write its logs and read its tokens secret, and nothing else', () => {
    // Act
    const actions = webhookStatements(template).flatMap((statement) => statement.Action);

    // Assess
    expect(new Set(actions)).toEqual(new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'secretsmanager:GetSecretValue']));
  });

  it('may read the one secret named kaudit-webhook-tokens, whatever suffix Secrets Manager gave its ARN', () => {
    // Act
    const reads = webhookStatements(template).filter((statement) => statement.Action === 'secretsmanager:GetSecretValue');

    // Assess
    expect(reads).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:kaudit-webhook-tokens-??????']],
        },
      },
    ]);
  });

  it('has 10 executions reserved, which also cap what a flood at its URL can take', () => {
    // Act
    const { properties } = webhookFunction(template);

    // Assess
    expect(properties.ReservedConcurrentExecutions).toBe(10);
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

  it('reads the secret a complete ARN names, and may read that one only', () => {
    // Act
    const configured = kauditTemplate({ webhook: 'true', webhookTokensSecret: SECRET_ARN });

    // Assess
    expect(webhookFunction(configured).properties.Environment.Variables[SETTINGS.webhookTokensSecret]).toBe(SECRET_ARN);
    const reads = webhookStatements(configured).filter((statement) => statement.Action === 'secretsmanager:GetSecretValue');
    expect(reads.map((statement) => statement.Resource)).toEqual([SECRET_ARN]);
  });

  it('may decrypt with the secret’s customer managed key through Secrets Manager only', () => {
    // Act
    const configured = kauditTemplate({ webhook: 'true', webhookTokensSecret: SECRET_ARN, webhookTokensSecretKeyArn: KEY_ARN });

    // Assess
    const decrypts = webhookStatements(configured).filter((statement) => statement.Action === 'kms:Decrypt');
    expect(decrypts).toEqual([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
    ]);
  });

  it('caps the function’s concurrency as configured, or not at all with none', () => {
    // Act
    const capped = kauditTemplate({ webhook: 'true', webhookReservedConcurrency: '50' });
    const shared = kauditTemplate({ webhook: 'true', webhookReservedConcurrency: 'none' });

    // Assess
    expect(webhookFunction(capped).properties.ReservedConcurrentExecutions).toBe(50);
    expect(webhookFunction(shared).properties.ReservedConcurrentExecutions).toBeUndefined();
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
    const load = () => loadAwsDeploymentConfig((key) => ({ webhookTokensSecretKeyArn: KEY_ARN })[key]);

    // Assess
    expect(load).toThrow(/webhook settings are given, but the webhook is not deployed/);
  });

  it('refuses a secret that is not Secrets Manager’s, naming the key', () => {
    // Act
    const load = () => loadAwsDeploymentConfig((key) => ({ webhook: 'true', webhookTokensSecret: 'arn:aws:ssm:eu-west-1:123456789012:parameter/kaudit-webhook-tokens' })[key]);

    // Assess
    expect(load).toThrow(/not a Secrets Manager secret name or ARN\n.*at webhookTokensSecret/);
  });
});
