import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_METRICS, JOB_SERVICES, METRIC_NAMESPACE } from '../../../shared/runtime/metric-names.ts';
import { COMPACTED_PREFIX, EVENTS_PREFIX, FINDINGS_PREFIX, QUARANTINE_PREFIX } from '../../../shared/store/layout.ts';
import { KauditFunction } from './kaudit-function.ts';
import type { LakeStorage } from './lake-storage.ts';

export interface LakeJobsProps {
  lake: LakeStorage;
  memoryMb: number;
  timeoutSeconds: number;
  ephemeralStorageMb: number;
  logRetentionDays: number;
  /** EventBridge Scheduler expressions (UTC). */
  compactionSchedule: string;
  analyticsSchedule: string;
  /** The store's settings, which both jobs read. */
  storeEnvironment: Record<string, string>;
  /** The rules and alert settings, which the analytics job reads besides. */
  analyticsEnvironment: Record<string, string>;
}

/**
 * The scheduled lake jobs: EventBridge Scheduler invokes `lake-compaction` (closed hours → Parquet,
 * until its time runs short) and `lake-analytics` (rules and behaviour analytics over the hour
 * before, findings stored and alerted). Each role reads only the prefixes its job reads and
 * creates objects only under the one it writes. An invocation Scheduler cannot make lands, after
 * its retries, in a dead-letter queue.
 */
export class LakeJobs extends Construct {
  readonly compaction: KauditFunction;
  readonly analytics: KauditFunction;
  readonly deadLetters: sqs.Queue;
  /** The role Scheduler invokes the jobs with: invoke them, and send to the dead-letter queue. */
  private readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: LakeJobsProps) {
    super(scope, id);
    const size = {
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      ephemeralStorageMb: props.ephemeralStorageMb,
      logRetentionDays: props.logRetentionDays,
      duckDb: true,
    };
    this.compaction = new KauditFunction(this, 'Compaction', {
      ...size,
      bundle: 'lake-compaction',
      description: 'kaudit: compacts closed hours of the lake into Parquet, on a schedule',
      environment: props.storeEnvironment,
    });
    props.lake.grantPrefixRead(this.compaction.role, [EVENTS_PREFIX, COMPACTED_PREFIX]);
    props.lake.grantObjectCreation(this.compaction.role, [COMPACTED_PREFIX]);

    this.analytics = new KauditFunction(this, 'Analytics', {
      ...size,
      bundle: 'lake-analytics',
      description: 'kaudit: detection rules and behaviour analytics over the lake, on a schedule',
      environment: { ...props.storeEnvironment, ...props.analyticsEnvironment },
    });
    // What a query of a time range reads: both tiers of events, and the quarantine records.
    props.lake.grantPrefixRead(this.analytics.role, [EVENTS_PREFIX, COMPACTED_PREFIX, QUARANTINE_PREFIX]);
    props.lake.grantObjectCreation(this.analytics.role, [FINDINGS_PREFIX]);

    this.deadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      // It holds the schedules' inputs (times and ids), nothing of the lake: SQS-managed keys suffice.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the lake job schedules: it receives the invocations Scheduler could not make.',
    });
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'kaudit: EventBridge Scheduler invoking the lake jobs',
    });
    for (const job of [this.compaction, this.analytics]) {
      Validations.of(this.schedulerRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(job.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'lambda:InvokeFunction on the job function and its versions (the `:*` qualifier), as the Scheduler target grants it; no other function.',
      });
    }
    this.schedule('CompactionSchedule', this.compaction, props.compactionSchedule, 'kaudit: compact closed hours of the lake');
    this.schedule('AnalyticsSchedule', this.analytics, props.analyticsSchedule, 'kaudit: rules and behaviour analytics over the lake');
  }

  /** Closed hours the last compaction run left for the next: growing, compaction is falling behind. */
  metricHoursPending(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: JOB_METRICS.hoursPending,
      dimensionsMap: { service: JOB_SERVICES.compaction },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    });
  }

  private schedule(id: string, job: KauditFunction, expression: string, description: string): scheduler.Schedule {
    return new scheduler.Schedule(this, id, {
      description,
      schedule: scheduler.ScheduleExpression.expression(expression),
      target: new targets.LambdaInvoke(job.function, {
        // Scheduler fills in the context attributes; the analytics window follows the scheduled time,
        // so a retried invocation covers the same hour (shared/runtime/scheduled-invocation.ts).
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          scheduleArn: scheduler.ContextAttribute.scheduleArn,
          executionId: scheduler.ContextAttribute.executionId,
          attemptNumber: scheduler.ContextAttribute.attemptNumber,
        }),
        role: this.schedulerRole,
        deadLetterQueue: this.deadLetters,
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
