import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
import { FirehoseDelivery, OUTPUT_PREFIXES } from '../../infra/aws/constructs/firehose-delivery.ts';
import { LakeStorage } from '../../infra/aws/constructs/lake-storage.ts';
import { DEAD_LETTER_PREFIX, EVENTS_PREFIX } from '../../shared/store/layout.ts';
import { kauditTemplate, onlyResource } from './helpers/kaudit-app.ts';

/** The template of a stack holding a lake and the Firehose path for two clusters, synthesized without bundling. */
function firehoseTemplate(encryption: 's3' | 'kms' = 's3'): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  // As the kaudit stack does: access logs delivered under a bucket policy.
  stack.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  const lake = new LakeStorage(stack, 'Storage', { encryption, infrequentAccessAfterDays: 90, noncurrentVersionExpirationDays: 30, accessLogExpirationDays: 90 });
  new FirehoseDelivery(stack, 'EksFirehose', {
    clusters: ['busy-eu', 'busy-us'],
    lake,
    memoryMb: 512,
    timeoutSeconds: 900,
    logRetentionDays: 90,
    environment: { KAUDIT_STORE_URL: lake.storeUrl },
    errorExpirationDays: 7,
  });
  return Template.fromStack(stack);
}

/** The lake bucket (the one with Object Lock), with its logical id. */
function lakeBucket(template: Template): { id: string; properties: Record<string, any> } {
  const [id, resource] = Object.entries(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0] ?? [];
  if (!id) throw new Error('no lake bucket in the template');
  return { id, properties: (resource as { Properties: Record<string, any> }).Properties };
}

describe('FirehoseDelivery', () => {
  let template: Template;
  beforeAll(() => {
    template = firehoseTemplate();
  });

  it('delivers into the lake’s partitions keyed by the function, top folder included, as gzip NDJSON', () => {
    // Assess
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'lake/!{partitionKeyFromLambda:kind}/v1/dt=!{partitionKeyFromLambda:dt}/hour=!{partitionKeyFromLambda:hour}/',
        CompressionFormat: 'GZIP',
        FileExtension: '.ndjson.gz',
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 300 },
      }),
    });
  });

  it('keeps failed records under an error prefix outside the lake, by error type', () => {
    // Assess
    const stream = onlyResource(template, 'AWS::KinesisFirehose::DeliveryStream');
    expect(stream.properties.ExtendedS3DestinationConfiguration.ErrorOutputPrefix).toBe('firehose-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/');
  });

  it('writes each kind of answer of the transformation to the lake layout’s folder for it', () => {
    // Act
    const prefixes = Object.keys(OUTPUT_PREFIXES).map((kind) => FirehoseDelivery.OUTPUT_PREFIX.replace('!{partitionKeyFromLambda:kind}', kind));

    // Assess
    expect(OUTPUT_PREFIXES).toEqual({ events: EVENTS_PREFIX, deadletter: DEAD_LETTER_PREFIX });
    expect(prefixes).toEqual(Object.values(OUTPUT_PREFIXES).map((folder) => `lake/${folder}dt=!{partitionKeyFromLambda:dt}/hour=!{partitionKeyFromLambda:hour}/`));
  });

  it('expires failed records, and their versions, after the configured days', () => {
    // Act
    const rules = lakeBucket(template).properties.LifecycleConfiguration.Rules as Record<string, unknown>[];

    // Assess
    expect(rules).toContainEqual({
      Id: 'expire-firehose-errors',
      Prefix: 'firehose-errors/',
      ExpirationInDays: 7,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      Status: 'Enabled',
    });
  });

  it('transforms with the eks-firehose function, in small invocations', () => {
    // Assess
    const stream = onlyResource(template, 'AWS::KinesisFirehose::DeliveryStream');
    const processor = stream.properties.ExtendedS3DestinationConfiguration.ProcessingConfiguration;
    const functionId = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Firehose transformation') } }))[0];
    expect(processor).toEqual({
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: [
            { ParameterName: 'LambdaArn', ParameterValue: { 'Fn::GetAtt': [functionId, 'Arn'] } },
            { ParameterName: 'BufferSizeInMBs', ParameterValue: '0.25' },
            { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
            { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
          ],
        },
      ],
    });
  });

  it('caps the function timeout at the 5 minutes Firehose waits', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Firehose transformation'), Timeout: 300 });
  });

  it('subscribes each cluster’s control-plane log group to the stream', () => {
    // Assess
    const streamId = onlyResource(template, 'AWS::KinesisFirehose::DeliveryStream').id;
    for (const cluster of ['busy-eu', 'busy-us']) {
      template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: `/aws/eks/${cluster}/cluster`,
        FilterPattern: '',
        FilterName: 'kaudit-firehose',
        DestinationArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      });
    }
  });

  it('lets Firehose write only the events, dead-letter and error prefixes', () => {
    // Assess
    const writes = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }).Properties.PolicyDocument.Statement)
      .filter((statement) => JSON.stringify(statement.Action).includes('s3:PutObject') && JSON.stringify(statement.Action).includes('s3:AbortMultipartUpload'));
    expect(writes).toHaveLength(1);
    const bucket = { 'Fn::GetAtt': [lakeBucket(template).id, 'Arn'] };
    expect(writes[0]?.Resource).toEqual(['/lake/events/v1/*', '/lake/deadletter/v1/*', '/firehose-errors/*'].map((objects) => ({ 'Fn::Join': ['', [bucket, objects]] })));
  });

  it('encrypts the stream, and writes with the lake’s key when it has one', () => {
    // Act
    const kms = firehoseTemplate('kms');

    // Assess
    const stream = onlyResource(kms, 'AWS::KinesisFirehose::DeliveryStream').properties;
    expect(stream.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    expect(stream.ExtendedS3DestinationConfiguration.EncryptionConfiguration.KMSEncryptionConfig.AWSKMSKeyARN).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^StorageKey/), 'Arn'],
    });
  });
});

describe('the kaudit stack’s Firehose option', () => {
  it('reads `-c firehoseClusters=a,b` as clusters for the Firehose path', () => {
    // Act
    const config = loadAwsDeploymentConfig((key) => ({ clusters: 'prod-eu', firehoseClusters: 'busy-eu,busy-us' })[key]);

    // Assess
    expect(config).toMatchObject({ clusters: ['prod-eu'], firehoseClusters: ['busy-eu', 'busy-us'] });
  });

  it('refuses a cluster subscribed both ways', () => {
    // Act
    const load = () => loadAwsDeploymentConfig((key) => ({ clusters: 'prod-eu', firehoseClusters: 'prod-eu' })[key]);

    // Assess
    expect(load).toThrow(/a cluster is subscribed through Firehose or directly, not both/);
  });

  it('subscribes the Firehose clusters to the stream and the others to the ingest function', () => {
    // Act
    const template = kauditTemplate({ clusters: 'prod-eu', firehoseClusters: 'busy-eu' });

    // Assess
    const streamId = onlyResource(template, 'AWS::KinesisFirehose::DeliveryStream').id;
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', { LogGroupName: '/aws/eks/busy-eu/cluster', DestinationArn: { 'Fn::GetAtt': [streamId, 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/aws/eks/prod-eu/cluster',
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EksCloudWatchFunction'), 'Arn'] },
    });
  });

  it('alarms on any error and any throttle of the transformation function', () => {
    // Act
    const template = kauditTemplate({ firehoseClusters: 'busy-eu' });

    // Assess
    const transformId = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Firehose transformation') } }))[0];
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: transformId } }], Threshold: 1 });
    }
  });

  it('expires failed records after `-c firehoseErrorExpirationDays`, 7 by default', () => {
    // Act
    const configured = kauditTemplate({ firehoseClusters: 'busy-eu', firehoseErrorExpirationDays: '3' });

    // Assess
    const rule = (template: Template) =>
      (lakeBucket(template).properties.LifecycleConfiguration.Rules as { Id: string }[]).find((candidate) => candidate.Id === 'expire-firehose-errors');
    expect(rule(configured)).toMatchObject({ Prefix: 'firehose-errors/', ExpirationInDays: 3 });
    expect(loadAwsDeploymentConfig(() => undefined).firehoseErrorExpirationDays).toBe(7);
  });

  it('has no Firehose without Firehose clusters', () => {
    // Act
    const template = kauditTemplate({ clusters: 'prod-eu' });

    // Assess
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
  });
});
