import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS } from '../../../shared/runtime/metric-names.ts';

/** A kaudit function to alarm on, and what its errors and throttles mean for the events it carries. */
export interface WatchedFunction {
  /** Prefix of its alarms' construct ids. */
  id: string;
  function: lambda.IFunction;
  onErrors: string;
  onThrottles: string;
  /**
   * For a function behind a Function URL that answers failures itself (a 503 when the store
   * fails): what a 5xx answer means. Such answers are no function error, so only the URL's
   * metrics show them.
   */
  onServerErrors?: string;
}

export interface IngestAlarmsProps {
  functions: readonly WatchedFunction[];
  failures: sqs.IQueue;
  /** SNS topic to notify; unset: the alarms only change state. */
  alarmTopicArn?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that fire on the first sign of trouble: any error or throttle of any kaudit function,
 * any 5xx answer of a Function URL, any batch in the on-failure queue, any quarantined record.
 * Each is a signal that events may be missing.
 */
export class IngestAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: IngestAlarmsProps) {
    super(scope, id);
    this.alarms = [
      ...props.functions.flatMap((watched) => [
        this.alarmOnAny(`${watched.id}Errors`, watched.function.metricErrors({ period: PERIOD }), watched.onErrors),
        this.alarmOnAny(`${watched.id}Throttles`, watched.function.metricThrottles({ period: PERIOD }), watched.onThrottles),
        ...(watched.onServerErrors ? [this.alarmOnAny(`${watched.id}ServerErrors`, urlServerErrors(watched.function), watched.onServerErrors)] : []),
      ]),
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

/** 5xx answers of a function's URL, whether the platform or the function gave them. */
function urlServerErrors(fn: lambda.IFunction): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName: 'Url5xxCount',
    dimensionsMap: { FunctionName: fn.functionName },
    statistic: cloudwatch.Stats.SUM,
    period: PERIOD,
  });
}
