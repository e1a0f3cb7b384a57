import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { FirehoseOutputKind } from '../../../shared/sources/firehose/firehose-event.ts';
import { DEAD_LETTER_PREFIX, EVENTS_PREFIX } from '../../../shared/store/layout.ts';
import { KauditFunction, type KauditFunctionProps } from './kaudit-function.ts';
import { LakeStorage } from './lake-storage.ts';

/** Firehose invokes a transformation Lambda for at most 5 minutes. */
const FIREHOSE_LAMBDA_TIMEOUT_SECONDS = 300;

export interface FirehoseDeliveryProps extends Omit<KauditFunctionProps, 'bundle' | 'description' | 'onFailure' | 'retryAttempts' | 'maxEventAge'> {
  /** EKS clusters whose `/aws/eks/<name>/cluster` log group is subscribed through Firehose. */
  clusters: readonly string[];
  lake: LakeStorage;
  /**
   * Input Firehose hands the Lambda per invocation, in MB (0.2–3). Audit logs inflate ~10× from
   * gzip and again as canonical events: 0.25 MB keeps most answers under Lambda's 6 MB response;
   * what does not fit is written to the lake by the function directly.
   */
  transformBufferMb?: number;
  /** Seconds Firehose buffers a partition before writing an object (60–900). */
  bufferIntervalSeconds?: number;
  /** Days objects under the error prefix are kept: they hold records' original data, unredacted. */
  errorExpirationDays: number;
}

/** The layout folder of each `kind` the transformation names; the delivery prefix writes kind K to `K/v1/`. */
export const OUTPUT_PREFIXES: Record<FirehoseOutputKind, string> = { events: EVENTS_PREFIX, deadletter: DEAD_LETTER_PREFIX };

/**
 * The Firehose path for busy clusters: CloudWatch Logs subscription → Firehose → `eks-firehose`
 * transformation → S3 with dynamic partitioning into the lake's `events/v1/dt=…/hour=…/`, in
 * large objects; the dead-letter documents of records whose own lake writes failed go to
 * `deadletter/v1/dt=…/hour=…/` the same way. Records Firehose itself fails (the transformation
 * failed after its retries) go under `firehose-errors/` with their original data, kept
 * `errorExpirationDays`; `kaudit ingest` replays both.
 */
export class FirehoseDelivery extends Construct {
  /** Beside the lake, not in it: the query views never see raw failed records. */
  static readonly ERROR_ROOT = 'firehose-errors';
  static readonly ERROR_PREFIX = `${FirehoseDelivery.ERROR_ROOT}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`;
  /** The top folder comes from the transformation too: `events`, or `deadletter` (OUTPUT_PREFIXES). */
  static readonly OUTPUT_PREFIX = `${LakeStorage.LAKE_ROOT}/!{partitionKeyFromLambda:kind}/v1/dt=!{partitionKeyFromLambda:dt}/hour=!{partitionKeyFromLambda:hour}/`;

  readonly transform: KauditFunction;
  readonly stream: firehose.CfnDeliveryStream;
  readonly deliveryRole: iam.Role;
  private readonly subscriptionRole: iam.Role;
  private readonly destination: logsDestinations.FirehoseDestination;

  constructor(scope: Construct, id: string, props: FirehoseDeliveryProps) {
    super(scope, id);
    const { clusters, lake, transformBufferMb, bufferIntervalSeconds, errorExpirationDays, ...functionProps } = props;
    this.transform = new KauditFunction(this, 'Transform', {
      ...functionProps,
      timeoutSeconds: Math.min(props.timeoutSeconds, FIREHOSE_LAMBDA_TIMEOUT_SECONDS),
      bundle: 'eks-firehose',
      description: 'kaudit: Firehose transformation of EKS CloudWatch Logs records into canonical events',
    });
    // Quarantine records, and events Firehose can't carry (another hour, or past the 6 MB response), are written directly.
    lake.grantObjectCreation(this.transform.role);

    // Firehose's delivery errors go beside the function's own logs, where an operator looks first.
    const errorStream = this.transform.logGroup.addStream('FirehoseDelivery');
    this.deliveryRole = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } } }),
      description: 'kaudit: Firehose writes the lake and invokes the transformation',
    });
    this.grantDelivery(lake);

    this.stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: lake.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: FirehoseDelivery.OUTPUT_PREFIX,
        errorOutputPrefix: FirehoseDelivery.ERROR_PREFIX,
        // Dynamic partitioning needs at least 64 MB; large objects are the point of this path.
        bufferingHints: { sizeInMBs: 128, intervalInSeconds: bufferIntervalSeconds ?? 300 },
        compressionFormat: 'GZIP',
        fileExtension: '.ndjson.gz',
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.transform.function.functionArn },
                { parameterName: 'BufferSizeInMBs', parameterValue: String(transformBufferMb ?? 0.25) },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
                { parameterName: 'NumberOfRetries', parameterValue: '3' },
              ],
            },
          ],
        },
        encryptionConfiguration: lake.encryptionKey ? { kmsEncryptionConfig: { awskmsKeyArn: lake.encryptionKey.keyArn } } : { noEncryptionConfig: 'NoEncryption' },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: this.transform.logGroup.logGroupName, logStreamName: errorStream.logStreamName },
      },
    });
    // The stream validates its role on creation: the policy must exist first.
    this.stream.node.addDependency(this.deliveryRole);
    // The versions too (the lake is versioned): expiring only adds a delete marker.
    lake.bucket.addLifecycleRule({
      id: 'expire-firehose-errors',
      prefix: `${FirehoseDelivery.ERROR_ROOT}/`,
      expiration: Duration.days(errorExpirationDays),
      noncurrentVersionExpiration: Duration.days(1),
    });

    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: { StringLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` } },
      }),
      description: 'kaudit: CloudWatch Logs puts EKS control-plane log events into Firehose',
    });
    const imported = firehose.DeliveryStream.fromDeliveryStreamAttributes(this, 'Imported', {
      deliveryStreamArn: this.stream.attrArn,
      deliveryStreamName: this.stream.ref,
    });
    this.destination = new logsDestinations.FirehoseDestination(imported, { role: this.subscriptionRole });

    for (const cluster of clusters) this.subscribe(cluster);
  }

  /**
   * Subscribes one cluster's control-plane log group. Every line is sent (CloudWatch Logs can't
   * filter by stream); the transformation drops the non-audit streams.
   */
  subscribe(cluster: string): logs.SubscriptionFilter {
    const logGroup = logs.LogGroup.fromLogGroupName(this, `${cluster}LogGroup`, `/aws/eks/${cluster}/cluster`);
    return new logs.SubscriptionFilter(this, `${cluster}Subscription`, {
      logGroup,
      destination: this.destination,
      filterPattern: logs.FilterPattern.allEvents(),
      filterName: 'kaudit-firehose',
    });
  }

  /** What Firehose needs, and no more: write the output and error prefixes, invoke the function, log delivery errors. */
  private grantDelivery(lake: LakeStorage): void {
    const prefixes = [...Object.values(OUTPUT_PREFIXES).map((prefix) => `${LakeStorage.LAKE_ROOT}/${prefix}`), `${FirehoseDelivery.ERROR_ROOT}/`];
    const role = this.deliveryRole;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [lake.bucket.bucketArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: prefixes.map((prefix) => lake.bucket.arnForObjects(`${prefix}*`)) }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resources: [this.transform.function.functionArn] }));
    this.transform.logGroup.grantWrite(role);
    lake.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');

    const bucketArn = `<${Stack.of(this).getLogicalId(lake.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    for (const prefix of prefixes) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        reason: `Firehose names each object by partition and time at delivery; the wildcard is confined to the ${prefix} prefix and object creation.`,
      });
    }
  }
}
