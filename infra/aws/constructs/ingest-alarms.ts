import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS, RULE_FAILURE_LOG_FIELD, RULE_FAILURE_METRIC } from '../../../shared/runtime/metric-names.ts';

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
  /** Log groups of the functions that evaluate detection rules: each rule that throws logs a line there. */
  ruleLogGroups: readonly logs.ILogGroup[];
  /** The scheduled lake jobs: their schedules' dead-letter queue, and compaction's backlog with its threshold. */
  jobs: { deadLetters: sqs.IQueue; hoursPending: cloudwatch.IMetric; backlogHours: number };
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that fire on the first sign of trouble: any error or throttle of any kaudit function,
 * any 5xx answer of a Function URL, any batch in the on-failure queue, any quarantined record, any
 * rule that threw, any schedule invocation given up on; and compaction falling behind. Each is a
 * signal that events (or findings) may be missing, or that queries will slow down.
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
      this.alarmOnAny(
        'RuleEvaluationFailures',
        this.ruleFailures(props.ruleLogGroups),
        'A detection rule threw while matching an event (a defect of the rule or the engine): the event was stored and the other rules ran; the function log names the rule (ruleEvaluationFailed).',
      ),
      this.alarmOnAny(
        'ScheduleFailures',
        props.jobs.deadLetters.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }),
        'EventBridge Scheduler could not invoke a lake job (compaction or analytics) after its retries; the dead-letter queue holds the invocations and the reason.',
      ),
      new cloudwatch.Alarm(this, 'CompactionBehind', {
        metric: props.jobs.hoursPending,
        alarmDescription: `kaudit: Compaction is falling behind: a run left more than ${props.jobs.backlogHours} closed hours for the next. Give the job more memory or time, or run \`kaudit compact\` once to catch up.`,
        threshold: props.jobs.backlogHours,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (props.alarmTopicArn) {
      const topic = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn));
      for (const alarm of this.alarms) alarm.addAlarmAction(topic);
    }
  }

  /** The failures the functions log, counted by a metric filter on each log group into one metric. */
  private ruleFailures(logGroups: readonly logs.ILogGroup[]): cloudwatch.Metric {
    logGroups.forEach((logGroup, index) => {
      new logs.MetricFilter(this, `RuleFailureFilter${index}`, {
        logGroup,
        filterPattern: logs.FilterPattern.numberValue(`$.${RULE_FAILURE_LOG_FIELD}`, '=', 1),
        metricNamespace: METRIC_NAMESPACE,
        metricName: RULE_FAILURE_METRIC,
        metricValue: '1',
      });
    });
    return new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName: RULE_FAILURE_METRIC, statistic: cloudwatch.Stats.SUM, period: PERIOD });
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
