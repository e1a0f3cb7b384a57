/**
 * The EKS on-failure queue holds Lambda's destination records, whose `requestPayload` is the
 * original CloudWatch Logs batch, unredacted: `kaudit redrive` needs it. So the queue is
 * encrypted with a key of its own that only the function encrypts with and only named readers
 * decrypt with, and it keeps messages a few days.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
import { ingestResources, kauditTemplate, onlyIngestResource, onlyResource } from './helpers/kaudit-app.ts';

const OPERATOR = 'arn:aws:iam::123456789012:role/kaudit-operator';
const AUDITOR = 'arn:aws:iam::123456789012:user/auditor';

type Statement = { Effect: string; Action: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, unknown>>; Resource?: unknown };

function keyStatements(template: Template): Statement[] {
  return onlyResource(template, 'AWS::KMS::Key').properties.KeyPolicy.Statement as Statement[];
}

function roleStatements(template: Template): Statement[] {
  return Object.values(ingestResources(template, 'AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** `{"Fn::GetAtt": [<the ingest function's role>, "Arn"]}`. */
function functionRoleArn(template: Template): unknown {
  const role = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'kaudit: EKS audit events from CloudWatch Logs subscriptions into the lake' } }));
  expect(role).toHaveLength(1);
  return { 'Fn::GetAtt': [role[0], 'Arn'] };
}

describe('the EKS on-failure queue', () => {
  let template: Template;
  beforeAll(() => {
    template = kauditTemplate({ clusters: 'prod-eu', failureQueueReaders: `${OPERATOR},${AUDITOR}` });
  });

  it('is encrypted with a customer managed key of its own, rotated', () => {
    // Act
    const key = onlyResource(template, 'AWS::KMS::Key');

    // Assess
    expect(key.properties.EnableKeyRotation).toBe(true);
    expect(onlyIngestResource(template, 'AWS::SQS::Queue').properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] } });
  });

  it('keeps messages 4 days unless configured otherwise', () => {
    // Act
    const configured = kauditTemplate({ clusters: 'prod-eu', failureQueueRetentionDays: '2' });

    // Assess
    expect(onlyIngestResource(template, 'AWS::SQS::Queue').properties.MessageRetentionPeriod).toBe(4 * 24 * 3600);
    expect(onlyIngestResource(configured, 'AWS::SQS::Queue').properties.MessageRetentionPeriod).toBe(2 * 24 * 3600);
  });

  it('lets nobody but the function encrypt with its key, whatever IAM policies say', () => {
    // Act
    const denial = keyStatements(template).find((statement) => statement.Effect === 'Deny' && actionsOf(statement).includes('kms:GenerateDataKey*'));

    // Assess
    expect(denial).toEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncryptTo'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [functionRoleArn(template)] } },
    });
  });

  it('lets nobody but the function and the configured readers decrypt with its key', () => {
    // Act
    const denial = keyStatements(template).find((statement) => statement.Effect === 'Deny' && actionsOf(statement).includes('kms:Decrypt'));

    // Assess
    expect(denial).toEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [functionRoleArn(template), OPERATOR, AUDITOR] } },
    });
  });

  it('lets the configured readers receive, delete and decrypt messages, as `kaudit redrive` does', () => {
    // Act
    const queuePolicy = onlyIngestResource(template, 'AWS::SQS::QueuePolicy').properties.PolicyDocument.Statement as Statement[];

    // Assess
    for (const reader of [OPERATOR, AUDITOR]) {
      expect(queuePolicy).toContainEqual(
        expect.objectContaining({ Effect: 'Allow', Principal: { AWS: reader }, Action: expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']) }),
      );
      expect(keyStatements(template)).toContainEqual(expect.objectContaining({ Effect: 'Allow', Principal: { AWS: reader }, Action: 'kms:Decrypt' }));
    }
  });

  it('gives the function what sending takes: SendMessage, and the key only through SQS', () => {
    // Act
    const statements = roleStatements(template).filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:') || action.startsWith('kms:')));

    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [onlyIngestResource(template, 'AWS::SQS::Queue').id, 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [onlyResource(template, 'AWS::KMS::Key').id, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      },
    ]);
  });

  it('has no reader unless one is configured', () => {
    // Act
    const unconfigured = kauditTemplate({ clusters: 'prod-eu' });

    // Assess
    const allowed = keyStatements(unconfigured).filter((statement) => statement.Effect === 'Allow');
    expect(allowed.map((statement) => actionsOf(statement))).toEqual([['kms:*']]);
    expect(onlyIngestResource(unconfigured, 'AWS::SQS::QueuePolicy').properties.PolicyDocument.Statement).toHaveLength(1);
  });
});

describe('the on-failure queue configuration', () => {
  it('reads `-c failureQueueReaders=a,b` as a list of role and user ARNs', () => {
    // Act
    const config = loadAwsDeploymentConfig((key) => ({ failureQueueReaders: `${OPERATOR}, ${AUDITOR}` })[key]);

    // Assess
    expect(config).toMatchObject({ failureQueueReaders: [OPERATOR, AUDITOR], failureQueueRetentionDays: 4 });
  });

  it.each([
    ['an account root', 'arn:aws:iam::123456789012:root'],
    ['a wildcard', 'arn:aws:iam::123456789012:role/*'],
    ['a group', 'arn:aws:iam::123456789012:group/ops'],
  ])('refuses %s as a reader', (_name, reader) => {
    // Act
    const load = () => loadAwsDeploymentConfig((key) => ({ failureQueueReaders: reader })[key]);

    // Assess
    expect(load).toThrow(/not the ARN of an IAM role or user/);
  });

  it('refuses a retention SQS does not allow', () => {
    // Act
    const load = () => loadAwsDeploymentConfig((key) => ({ failureQueueRetentionDays: '15' })[key]);

    // Assess
    expect(load).toThrow(/failureQueueRetentionDays/);
  });
});
