import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/core/settings.ts';
import { JOB_METRICS, JOB_SERVICES, METRIC_NAMESPACE, RULE_FAILURE_METRIC } from '../../shared/runtime/metric-names.ts';
import { parseScheduledInvocation } from '../../shared/runtime/scheduled-invocation.ts';
import { kauditTemplate } from './helpers/kaudit-app.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: Record<string, unknown> };

/** The job function whose description matches, with its logical id. */
function job(template: Template, description: string): { id: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(description) } }));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: Record<string, any> }];
  return { id, properties: resource.Properties };
}

/** Every statement of the policies attached to a role. */
function roleStatements(template: Template, roleId: string): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** What each S3 action of a role's statements may touch, as lake prefixes (`lake/events/v1/*`), or `<bucket>` for the bucket itself. */
function s3Grants(template: Template, roleId: string): Record<string, string[]> {
  const grants: Record<string, string[]> = {};
  for (const statement of roleStatements(template, roleId)) {
    for (const action of [statement.Action].flat().filter((name) => name.startsWith('s3:'))) {
      const resources = [statement.Resource].flat().map((resource) => {
        const text = JSON.stringify(resource);
        const prefix = /"\/([^"]*)"\]\]\}$/.exec(text)?.[1];
        return prefix ?? '<bucket>';
      });
      const prefixes = (statement.Condition?.StringLike as Record<string, string[]> | undefined)?.['s3:prefix'];
      grants[action] = [...(grants[action] ?? []), ...(prefixes ? prefixes.map((prefix) => `list ${prefix}`) : resources)];
    }
  }
  return grants;
}

describe('the scheduled lake jobs in the AWS stack', () => {
  let template: Template;
  beforeAll(() => {
    template = kauditTemplate({ clusters: 'prod-eu', rules: 'built-in', alertLevel: 'high' });
  });

  it('runs both jobs on x86_64, where DuckDB’s binding exists, with 2 GB, 4 GB of /tmp and Lambda’s longest timeout', () => {
    for (const description of ['compacts closed hours', 'behaviour analytics']) {
      expect(job(template, description).properties).toMatchObject({
        Architectures: ['x86_64'],
        MemorySize: 2048,
        EphemeralStorage: { Size: 4096 },
        Timeout: 900,
        Runtime: 'nodejs22.x',
      });
    }
    expect(job(template, 'CloudWatch Logs subscriptions').properties.Architectures).toEqual(['arm64']);
  });

  it('takes the size and schedules from the deployment configuration', () => {
    // Act
    const sized = kauditTemplate({ clusters: 'prod-eu', jobMemoryMb: '4096', jobTimeoutSeconds: '600', jobEphemeralStorageMb: '10240', compactionSchedule: 'rate(30 minutes)' });

    // Assess
    expect(job(sized, 'compacts closed hours').properties).toMatchObject({ MemorySize: 4096, Timeout: 600, EphemeralStorage: { Size: 10240 } });
    sized.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(30 minutes)' });
  });

  it('invokes each job hourly through EventBridge Scheduler with the scheduled time, retrying, then dead-lettering', () => {
    // Act
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((schedule) => schedule.Properties);
    const deadLetters = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) => id.includes('ScheduleDeadLetters'));

    // Assess
    expect(schedules.map((schedule) => [schedule.ScheduleExpression, schedule.Target.Arn['Fn::GetAtt'][0]])).toEqual([
      ['cron(5 * * * ? *)', job(template, 'compacts closed hours').id],
      ['cron(20 * * * ? *)', job(template, 'behaviour analytics').id],
    ]);
    for (const schedule of schedules) {
      expect(schedule.Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters?.[0], 'Arn'] } },
      });
      const input = JSON.parse(schedule.Target.Input);
      expect(input).toEqual({
        scheduledTime: '<aws.scheduler.scheduled-time>',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        executionId: '<aws.scheduler.execution-id>',
        attemptNumber: '<aws.scheduler.attempt-number>',
      });
      // What Scheduler sends once it fills the attributes in is what the handlers parse.
      expect(parseScheduledInvocation({ ...input, scheduledTime: '2026-11-20T11:05:00Z', attemptNumber: '1' })).toMatchObject({
        scheduledTime: '2026-11-20T11:05:00Z',
        attemptNumber: 1,
      });
    }
  });

  it('lets compaction read events and manifests and create objects under compacted/v1/ only', () => {
    // Act
    const grants = s3Grants(template, job(template, 'compacts closed hours').properties.Role['Fn::GetAtt'][0]);

    // Assess
    expect(grants).toEqual({
      's3:GetObject': ['lake/events/v1/*', 'lake/compacted/v1/*'],
      's3:ListBucket': ['list lake/events/v1/*', 'list lake/compacted/v1/*'],
      's3:PutObject': ['lake/compacted/v1/*'],
    });
  });

  it('lets analytics read both tiers and the quarantine, create objects under findings/v1/ only, and send to the findings bus', () => {
    // Act
    const roleId = job(template, 'behaviour analytics').properties.Role['Fn::GetAtt'][0];
    const grants = s3Grants(template, roleId);

    // Assess
    expect(grants).toEqual({
      's3:GetObject': ['lake/events/v1/*', 'lake/compacted/v1/*', 'lake/quarantine/v1/*'],
      's3:ListBucket': ['list lake/events/v1/*', 'list lake/compacted/v1/*', 'list lake/quarantine/v1/*'],
      's3:PutObject': ['lake/findings/v1/*'],
    });
    expect(roleStatements(template, roleId).some((statement) => [statement.Action].flat().includes('events:PutEvents'))).toBe(true);
  });

  it('gives the jobs the lake’s settings, and analytics the rules and the alert bus as ingestion has them', () => {
    // Act
    const compaction = job(template, 'compacts closed hours').properties.Environment.Variables;
    const analytics = job(template, 'behaviour analytics').properties.Environment.Variables;

    // Assess
    expect(Object.keys(compaction).sort()).toEqual([SETTINGS.s3ConditionalWrites, SETTINGS.storeUrl].sort());
    expect(Object.keys(analytics).sort()).toEqual([SETTINGS.alertEventBus, SETTINGS.alertLevel, SETTINGS.rules, SETTINGS.s3ConditionalWrites, SETTINGS.storeUrl].sort());
    expect(analytics).toMatchObject({ [SETTINGS.rules]: 'built-in', [SETTINGS.alertLevel]: 'high' });
  });

  it('alarms on the jobs’ errors, schedule invocations given up on, compaction falling behind, and rule failures in every function’s log', () => {
    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((filter) => filter.Properties);

    // Assess
    const errorsOf = (id: string) => alarms.find((alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions).includes(id));
    expect(errorsOf(job(template, 'compacts closed hours').id)).toMatchObject({ Threshold: 1 });
    expect(errorsOf(job(template, 'behaviour analytics').id)).toMatchObject({ Threshold: 1 });
    expect(alarms.find((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(alarm.Dimensions).includes('ScheduleDeadLetters'))).toMatchObject({
      Threshold: 1,
    });
    expect(alarms.find((alarm) => alarm.MetricName === JOB_METRICS.hoursPending)).toMatchObject({
      Namespace: METRIC_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: JOB_SERVICES.compaction }],
      Threshold: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarms.find((alarm) => alarm.MetricName === RULE_FAILURE_METRIC)).toMatchObject({ Namespace: METRIC_NAMESPACE, Statistic: 'Sum', Threshold: 1 });
    expect(filters.map((filter) => [filter.FilterPattern, filter.MetricTransformations[0].MetricName])).toEqual([
      ['{ $.ruleEvaluationFailed = 1 }', RULE_FAILURE_METRIC],
      ['{ $.ruleEvaluationFailed = 1 }', RULE_FAILURE_METRIC],
    ]);
    expect(filters.map((filter) => filter.LogGroupName.Ref)).toEqual([
      job(template, 'CloudWatch Logs subscriptions').properties.LoggingConfig.LogGroup.Ref,
      job(template, 'behaviour analytics').properties.LoggingConfig.LogGroup.Ref,
    ]);
  });
});
