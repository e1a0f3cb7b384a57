import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS } from '../../../shared/runtime/metric-names.ts';

export interface IngestAlarmsProps {
  ingest: lambda.IFunction;
  failures: sqs.IQueue;
  /** SNS topic to notify; unset: the alarms only change state. */
  alarmTopicArn?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that fire on the first sign of trouble: any function error or throttle, any batch in
 * the on-failure queue, any quarantined record. Each is a signal that events may be missing.
 */
export class IngestAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: IngestAlarmsProps) {
    super(scope, id);
    this.alarms = [
      this.alarmOnAny('Errors', props.ingest.metricErrors({ period: PERIOD }), 'The ingest function failed; Lambda retries the batch, then sends it to the failure queue.'),
      this.alarmOnAny('Throttles', props.ingest.metricThrottles({ period: PERIOD }), 'The ingest function was throttled; Lambda keeps retrying for the maximum event age.'),
      this.alarmOnAny(
        'FailedBatches',
        props.failures.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
        'Batches Lambda gave up on are waiting in the failure queue: replay them with `kaudit redrive --sqs URL`.',
      ),
      this.alarmOnAny(
        'Quarantined',
        // Metrics Insights sums the metric over every dimension the function emits it with.
        new cloudwatch.MathExpression({ expression: `SELECT SUM("${METRICS.quarantined}") FROM "${METRIC_NAMESPACE}"`, period: PERIOD, label: METRICS.quarantined }),
        'Records could not be normalized and were quarantined: query the `quarantine` table for the reasons.',
      ),
    ];
    if (props.alarmTopicArn) {
      const topic = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn));
      for (const alarm of this.alarms) alarm.addAlarmAction(topic);
    }
  }

  private alarmOnAny(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: `kaudit: ${description}`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
