import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KauditFunction, type KauditFunctionProps } from './kaudit-function.ts';

/** Lambda's own default and maximum for asynchronous invocations. */
const ASYNC_RETRY_ATTEMPTS = 2;

export interface CloudWatchIngestProps extends Omit<KauditFunctionProps, 'bundle' | 'description' | 'onFailure' | 'retryAttempts' | 'maxEventAge'> {
  /** EKS cluster names whose `/aws/eks/<name>/cluster` log group is subscribed. */
  clusters: readonly string[];
  maxEventAgeHours: number;
  /** Days the on-failure queue keeps a batch. */
  failureRetentionDays: number;
  /** ARNs of the IAM roles and users that may receive and decrypt the on-failure queue's messages (`kaudit redrive`). */
  failureReaders: readonly string[];
}

/**
 * The EKS path: CloudWatch Logs subscription filters invoke the `eks-cloudwatch` function
 * asynchronously; a batch that still fails after Lambda's retries lands in a queue, from which
 * `kaudit redrive --sqs URL` replays it.
 *
 * Lambda's on-failure record holds the original event, unredacted, which a replay needs: the
 * queue is encrypted with a key of its own, which only the function may encrypt with and only the
 * named readers may decrypt with, and it keeps messages briefly.
 */
export class CloudWatchIngest extends Construct {
  readonly ingest: KauditFunction;
  readonly failures: sqs.Queue;
  readonly failuresKey: kms.Key;

  constructor(scope: Construct, id: string, props: CloudWatchIngestProps) {
    super(scope, id);
    const { clusters, maxEventAgeHours, failureRetentionDays, failureReaders, ...functionProps } = props;
    this.failuresKey = new kms.Key(this, 'FailuresKey', {
      description: 'kaudit: the EKS on-failure queue, which holds original (unredacted) CloudWatch Logs batches',
      enableKeyRotation: true,
    });
    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.failuresKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(failureRetentionDays),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the function; `kaudit redrive` deletes a message only after its batch is stored, so a failed redrive leaves it here.',
    });

    this.ingest = new KauditFunction(this, 'Function', {
      ...functionProps,
      bundle: 'eks-cloudwatch',
      description: 'kaudit: EKS audit events from CloudWatch Logs subscriptions into the lake',
      onFailure: new EncryptedQueueDestination(this.failures, this.failuresKey),
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(maxEventAgeHours),
    });

    for (const reader of failureReaders) this.failures.grantConsumeMessages(new iam.ArnPrincipal(reader));
    this.confineKey(this.ingest.role, failureReaders);

    for (const cluster of clusters) this.subscribe(cluster);
  }

  /**
   * Subscribes one cluster's control-plane log group. CloudWatch Logs cannot filter by stream
   * name, and a JSON filter pattern would also drop audit lines CloudWatch truncated (which the
   * normalizer salvages), so every line is sent and the function skips non-audit streams.
   */
  subscribe(cluster: string): logs.SubscriptionFilter {
    const logGroup = logs.LogGroup.fromLogGroupName(this, `${cluster}LogGroup`, `/aws/eks/${cluster}/cluster`);
    return new logs.SubscriptionFilter(this, `${cluster}Subscription`, {
      logGroup,
      destination: new logsDestinations.LambdaDestination(this.ingest.function),
      filterPattern: logs.FilterPattern.allEvents(),
      filterName: 'kaudit',
    });
  }

  /**
   * The key policy's denials, which IAM policies cannot override: nobody but the function encrypts
   * with the key, nobody but the function and the readers decrypts with it. The function needs
   * kms:Decrypt too (SQS asks it of every sender, to reuse data keys), but it can use the key only
   * through SQS and cannot receive from the queue. The account's key administration stays as the
   * default policy grants it, so the policy itself can still be changed, visibly.
   */
  private confineKey(sender: iam.IRole, readers: readonly string[]): void {
    const denyUnless = (actions: string[], principals: readonly string[]) =>
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': principals } },
      });
    this.failuresKey.addToResourcePolicy(denyUnless(['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncryptTo'], [sender.roleArn]));
    this.failuresKey.addToResourcePolicy(denyUnless(['kms:Decrypt', 'kms:ReEncryptFrom'], [sender.roleArn, ...readers]));
  }
}

/**
 * Lambda's on-failure destination on a queue encrypted with a customer managed key, granting the
 * function what sending takes and no more (the library's SqsDestination grants kms:ReEncrypt* and
 * kms:GenerateDataKey* on the key, and no condition).
 */
class EncryptedQueueDestination implements lambda.IDestination {
  constructor(
    private readonly queue: sqs.Queue,
    private readonly key: kms.Key,
  ) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    this.queue.grant(fn, 'sqs:SendMessage');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    return { destination: this.queue.queueArn };
  }
}
