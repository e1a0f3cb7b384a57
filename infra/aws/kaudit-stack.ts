import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { SETTINGS } from '../../shared/core/settings.ts';
import type { AwsDeploymentConfig } from './config.ts';
import { AuditCatalog } from './constructs/audit-catalog.ts';
import { CloudWatchIngest } from './constructs/cloudwatch-ingest.ts';
import { FindingAlerts } from './constructs/finding-alerts.ts';
import { FirehoseDelivery } from './constructs/firehose-delivery.ts';
import { IngestAlarms, type WatchedFunction } from './constructs/ingest-alarms.ts';
import { LakeJobs } from './constructs/lake-jobs.ts';
import { LakeStorage } from './constructs/lake-storage.ts';
import { WebhookReceiver } from './constructs/webhook-receiver.ts';
import { inlineDocumentSettings } from './inline-documents.ts';

/** The settings of the rules (inlined at synthesis), which the analytics job reads as ingestion does. */
const RULE_SETTINGS: readonly string[] = [SETTINGS.rules, SETTINGS.approvedNetworks, SETTINGS.disabledRules];

export interface KauditStackProps extends StackProps {
  config: AwsDeploymentConfig;
}

/** kaudit on AWS: EKS audit logs (and, optionally, self-managed clusters' webhooks) → Lambda → S3 lake, queryable with Athena. */
export class KauditStack extends Stack {
  readonly lake: LakeStorage;
  readonly cloudWatchIngest: CloudWatchIngest;
  /** The Firehose path, when `firehoseClusters` names any. */
  readonly firehoseDelivery?: FirehoseDelivery;
  /** The audit webhook receiver, with `webhook=true`. */
  readonly webhookReceiver?: WebhookReceiver;
  readonly catalog: AuditCatalog;
  readonly alarms: IngestAlarms;
  /** The findings bus and alerts topic, when rules are evaluated at ingestion. */
  readonly findingAlerts?: FindingAlerts;
  /** Scheduled compaction and analytics over the lake. */
  readonly lakeJobs: LakeJobs;

  constructor(scope: Construct, id: string, props: KauditStackProps) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, as ACL-less (bucket-owner-enforced) buckets
    // require. Set on the stack, before any child exists, so the stack does not depend on cdk.json.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { config } = props;

    this.lake = new LakeStorage(this, 'Storage', {
      encryption: config.lakeEncryption,
      objectLock: config.objectLockMode === 'none' ? undefined : { mode: config.objectLockMode, days: config.objectLockDays },
      infrequentAccessAfterDays: config.infrequentAccessAfterDays,
      expirationDays: config.lakeExpirationDays,
      noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
      accessLogExpirationDays: config.logRetentionDays,
    });
    if (config.rules.length > 0) this.findingAlerts = new FindingAlerts(this, 'FindingAlerts', { level: config.alertLevel, email: config.alertEmail });
    const documents = inlineDocumentSettings(config);
    const environment = this.functionEnvironment(config, documents);

    this.cloudWatchIngest = new CloudWatchIngest(this, 'EksCloudWatch', {
      clusters: config.clusters,
      memoryMb: config.memoryMb,
      timeoutSeconds: config.timeoutSeconds,
      reservedConcurrency: config.reservedConcurrency ?? undefined,
      maxEventAgeHours: config.maxEventAgeHours,
      failureRetentionDays: config.failureQueueRetentionDays,
      failureReaders: config.failureQueueReaders,
      logRetentionDays: config.logRetentionDays,
      environment,
    });
    this.lake.grantObjectCreation(this.cloudWatchIngest.ingest.role);

    if (config.firehoseClusters.length > 0) {
      this.firehoseDelivery = new FirehoseDelivery(this, 'EksFirehose', {
        clusters: config.firehoseClusters,
        lake: this.lake,
        errorExpirationDays: config.firehoseErrorExpirationDays,
        memoryMb: config.memoryMb,
        timeoutSeconds: config.timeoutSeconds,
        logRetentionDays: config.logRetentionDays,
        environment,
      });
    }

    if (config.webhook) {
      this.webhookReceiver = new WebhookReceiver(this, 'Webhook', {
        lake: this.lake,
        tokensSecret: config.webhookTokensSecret,
        tokensSecretKeyArn: config.webhookTokensSecretKeyArn,
        memoryMb: config.memoryMb,
        timeoutSeconds: config.timeoutSeconds,
        reservedConcurrency: config.webhookReservedConcurrency ?? undefined,
        logRetentionDays: config.logRetentionDays,
        environment,
      });
    }

    this.catalog = new AuditCatalog(this, 'Catalog', {
      name: config.catalogName,
      lake: this.lake,
      partitionsSince: config.partitionsSince,
      resultsExpirationDays: config.athenaResultsExpirationDays,
      compactionLagHours: config.athenaParquetAfterHours,
    });

    this.lakeJobs = new LakeJobs(this, 'LakeJobs', {
      lake: this.lake,
      memoryMb: config.jobMemoryMb,
      timeoutSeconds: config.jobTimeoutSeconds,
      ephemeralStorageMb: config.jobEphemeralStorageMb,
      logRetentionDays: config.logRetentionDays,
      compactionSchedule: config.compactionSchedule,
      analyticsSchedule: config.analyticsSchedule,
      storeEnvironment: this.storeEnvironment(),
      // The rules ingestion evaluates, or (none configured) the built-in pack; alerts as ingestion sends them.
      analyticsEnvironment: {
        ...Object.fromEntries(Object.entries(documents).filter(([name]) => RULE_SETTINGS.includes(name))),
        ...this.findingAlerts?.environment,
      },
    });

    const ingestFunctions = this.ingestFunctions();
    this.alarms = new IngestAlarms(this, 'Alarms', {
      functions: [...ingestFunctions, ...this.jobFunctions()],
      failures: this.cloudWatchIngest.failures,
      alarmTopicArn: config.alarmTopicArn,
      ruleLogGroups: [...ingestFunctions.map((watched) => watched.logGroup), this.lakeJobs.analytics.logGroup],
      jobs: { deadLetters: this.lakeJobs.deadLetters, hoursPending: this.lakeJobs.metricHoursPending(), backlogHours: config.compactionBacklogHours },
    });

    for (const watched of ingestFunctions) this.findingAlerts?.grantSend(watched.function);
    this.findingAlerts?.grantSend(this.lakeJobs.analytics.role);

    new CfnOutput(this, 'StoreUrl', { value: this.lake.storeUrl, description: 'KAUDIT_STORE_URL for `kaudit query --store`' });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.cloudWatchIngest.failures.queueUrl, description: 'for `kaudit redrive --sqs`' });
    new CfnOutput(this, 'IngestFunctionName', { value: this.cloudWatchIngest.ingest.function.functionName });
    new CfnOutput(this, 'AthenaWorkgroup', { value: config.catalogName });
    if (this.webhookReceiver) {
      new CfnOutput(this, 'WebhookUrl', { value: this.webhookReceiver.url.url, description: 'the `server` of the kube-apiserver audit webhook kubeconfig' });
    }
  }

  /** The scheduled lake jobs, with what their errors and throttles mean. */
  private jobFunctions(): WatchedFunction[] {
    return [
      {
        id: 'LakeCompaction',
        function: this.lakeJobs.compaction.function,
        onErrors: 'The lake compaction job failed; the hours it did not finish are compacted by the next scheduled run, and queries read them from NDJSON until then.',
        onThrottles: 'The lake compaction job was throttled; Lambda retries the invocation, and the next scheduled run continues anyway.',
      },
      {
        id: 'LakeAnalytics',
        function: this.lakeJobs.analytics.function,
        onErrors:
          'The lake analytics job failed (a rule that does not load, the lake or the alert bus); Lambda retries the same window, then that hour has no scheduled findings: run `kaudit detect --analytics --save` over it.',
        onThrottles: 'The lake analytics job was throttled; Lambda retries the invocation for the same window.',
      },
    ];
  }

  /** Every ingest function the stack deploys, with what its errors and throttles mean for the events it carries. */
  private ingestFunctions(): (WatchedFunction & { logGroup: logs.ILogGroup })[] {
    const watched: (WatchedFunction & { logGroup: logs.ILogGroup })[] = [
      {
        id: 'EksCloudWatch',
        function: this.cloudWatchIngest.ingest.function,
        logGroup: this.cloudWatchIngest.ingest.logGroup,
        onErrors: 'The ingest function failed; Lambda retries the batch, then sends it to the failure queue.',
        onThrottles: 'The ingest function was throttled; Lambda keeps retrying for the maximum event age.',
      },
    ];
    if (this.firehoseDelivery) {
      watched.push({
        id: 'EksFirehose',
        function: this.firehoseDelivery.transform.function,
        logGroup: this.firehoseDelivery.transform.logGroup,
        onErrors: 'The Firehose transformation failed; Firehose retries, then writes the records under firehose-errors/ for `kaudit ingest`.',
        onThrottles: 'The Firehose transformation was throttled; Firehose retries, then writes the records under firehose-errors/ for `kaudit ingest`.',
      });
    }
    if (this.webhookReceiver) {
      watched.push({
        id: 'Webhook',
        function: this.webhookReceiver.receiver.function,
        logGroup: this.webhookReceiver.receiver.logGroup,
        onErrors: 'The webhook receiver failed (a bad tokens secret fails every cold start); kube-apiserver retries a few times, then drops the batch.',
        onThrottles: 'The webhook receiver was throttled (429); kube-apiserver retries a few times, then drops the batch.',
        onServerErrors: 'The webhook answered 5xx (503: a batch could not be stored); kube-apiserver retries a few times, then drops the batch.',
      });
    }
    return watched;
  }

  /** The lake's settings, which every function reads. */
  private storeEnvironment(): Record<string, string> {
    return {
      [SETTINGS.storeUrl]: this.lake.storeUrl,
      // Said, though it is the default on AWS: the ingest functions may not read the lake, so the HEAD-first
      // mode would fail every write. Their PUTs carry If-None-Match, which the lake's policy demands.
      [SETTINGS.s3ConditionalWrites]: 'true',
      // The store asks for SSE-S3 unless told the key, which would override the bucket's default.
      ...(this.lake.encryptionKey ? { [SETTINGS.s3SseKmsKeyId]: this.lake.encryptionKey.keyArn } : {}),
    };
  }

  /**
   * Every function's settings, by the names the code reads (shared/core/settings.ts). No
   * dead-letter store: a batch the EKS function cannot store goes to the on-failure queue.
   */
  private functionEnvironment(config: AwsDeploymentConfig, documents: Record<string, string>): Record<string, string> {
    return {
      ...this.storeEnvironment(),
      ...documents,
      ...(config.redactionExtras ? { [SETTINGS.redactionExtras]: config.redactionExtras } : {}),
      ...this.findingAlerts?.environment,
    };
  }
}
