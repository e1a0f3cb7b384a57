import { Duration, Validations } from 'aws-cdk-lib';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KauditFunction, type KauditFunctionProps } from './kaudit-function.ts';

/** Lambda's own default and maximum for asynchronous invocations. */
export const ASYNC_RETRY_ATTEMPTS = 2;

export interface CloudWatchIngestProps extends Omit<KauditFunctionProps, 'bundle' | 'description' | 'onFailure' | 'retryAttempts' | 'maxEventAge'> {
  /** EKS cluster names whose `/aws/eks/<name>/cluster` log group is subscribed. */
  clusters: readonly string[];
  maxEventAgeHours: number;
}

/**
 * The EKS path: CloudWatch Logs subscription filters invoke the `eks-cloudwatch` function
 * asynchronously; a batch that still fails after Lambda's retries lands in an encrypted queue,
 * from which `kaudit redrive --sqs URL` replays it.
 */
export class CloudWatchIngest extends Construct {
  readonly ingest: KauditFunction;
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: CloudWatchIngestProps) {
    super(scope, id);
    this.failures = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice the alarm and redrive.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the function; `kaudit redrive` deletes a message only after its batch is stored, so a failed redrive leaves it here.',
    });

    const { clusters, maxEventAgeHours, ...functionProps } = props;
    this.ingest = new KauditFunction(this, 'Function', {
      ...functionProps,
      bundle: 'eks-cloudwatch',
      description: 'kaudit: EKS audit events from CloudWatch Logs subscriptions into the lake',
      onFailure: new destinations.SqsDestination(this.failures),
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(maxEventAgeHours),
    });

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
}
