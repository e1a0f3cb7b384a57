import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { SETTINGS } from '../../shared/core/settings.ts';
import type { AwsDeploymentConfig } from './config.ts';
import { AuditCatalog } from './constructs/audit-catalog.ts';
import { CloudWatchIngest } from './constructs/cloudwatch-ingest.ts';
import { FindingAlerts } from './constructs/finding-alerts.ts';
import { FirehoseDelivery } from './constructs/firehose-delivery.ts';
import { IngestAlarms, type WatchedFunction } from './constructs/ingest-alarms.ts';
import { LakeStorage } from './constructs/lake-storage.ts';
import { WebhookReceiver } from './constructs/webhook-receiver.ts';
import { inlineDocumentSettings } from './inline-documents.ts';

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
    const environment = this.functionEnvironment(config);

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

    this.alarms = new IngestAlarms(this, 'Alarms', {
      functions: this.watchedFunctions(),
      failures: this.cloudWatchIngest.failures,
      alarmTopicArn: config.alarmTopicArn,
    });

    for (const watched of this.watchedFunctions()) this.findingAlerts?.grantSend(watched.function);

    new CfnOutput(this, 'StoreUrl', { value: this.lake.storeUrl, description: 'KAUDIT_STORE_URL for `kaudit query --store`' });
    new CfnOutput(this, 'FailureQueueUrl', { value: this.cloudWatchIngest.failures.queueUrl, description: 'for `kaudit redrive --sqs`' });
    new CfnOutput(this, 'IngestFunctionName', { value: this.cloudWatchIngest.ingest.function.functionName });
    new CfnOutput(this, 'AthenaWorkgroup', { value: config.catalogName });
    if (this.webhookReceiver) {
      new CfnOutput(this, 'WebhookUrl', { value: this.webhookReceiver.url.url, description: 'the `server` of the kube-apiserver audit webhook kubeconfig' });
    }
  }

  /** Every function the stack deploys, with what its errors and throttles mean for the events it carries. */
  private watchedFunctions(): WatchedFunction[] {
    const watched: WatchedFunction[] = [
      {
        id: 'EksCloudWatch',
        function: this.cloudWatchIngest.ingest.function,
        onErrors: 'The ingest function failed; Lambda retries the batch, then sends it to the failure queue.',
        onThrottles: 'The ingest function was throttled; Lambda keeps retrying for the maximum event age.',
      },
    ];
    if (this.firehoseDelivery) {
      watched.push({
        id: 'EksFirehose',
        function: this.firehoseDelivery.transform.function,
        onErrors: 'The Firehose transformation failed; Firehose retries, then writes the records under firehose-errors/ for `kaudit ingest`.',
        onThrottles: 'The Firehose transformation was throttled; Firehose retries, then writes the records under firehose-errors/ for `kaudit ingest`.',
      });
    }
    if (this.webhookReceiver) {
      watched.push({
        id: 'Webhook',
        function: this.webhookReceiver.receiver.function,
        onErrors: 'The webhook receiver failed (a bad tokens secret fails every cold start); kube-apiserver retries a few times, then drops the batch.',
        onThrottles: 'The webhook receiver was throttled (429); kube-apiserver retries a few times, then drops the batch.',
        onServerErrors: 'The webhook answered 5xx (503: a batch could not be stored); kube-apiserver retries a few times, then drops the batch.',
      });
    }
    return watched;
  }

  /**
   * Every function's settings, by the names the code reads (shared/core/settings.ts). No
   * dead-letter store: a batch the EKS function cannot store goes to the on-failure queue.
   */
  private functionEnvironment(config: AwsDeploymentConfig): Record<string, string> {
    return {
      [SETTINGS.storeUrl]: this.lake.storeUrl,
      // Said, though it is the default on AWS: the functions may not read the lake, so the HEAD-first
      // mode would fail every write. Their PUTs carry If-None-Match, which the lake's policy demands.
      [SETTINGS.s3ConditionalWrites]: 'true',
      // The store asks for SSE-S3 unless told the key, which would override the bucket's default.
      ...(this.lake.encryptionKey ? { [SETTINGS.s3SseKmsKeyId]: this.lake.encryptionKey.keyArn } : {}),
      ...inlineDocumentSettings(config),
      ...(config.redactionExtras ? { [SETTINGS.redactionExtras]: config.redactionExtras } : {}),
      ...this.findingAlerts?.environment,
    };
  }
}
