import { Duration, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EVENTS_PREFIX, QUARANTINE_PREFIX, SYMLINK_LISTS_PREFIX } from '../../../shared/store/layout.ts';
import { secureBucket } from './secure-bucket.ts';

export interface LakeStorageProps {
  encryption: 's3' | 'kms';
  objectLock?: { mode: 'governance' | 'compliance'; days: number };
  infrequentAccessAfterDays: number;
  expirationDays?: number;
  noncurrentVersionExpirationDays: number;
  accessLogExpirationDays: number;
}

/**
 * The lake bucket (docs/contracts.md#store-layout under `lake/`) and the bucket that receives the server access
 * logs of every kaudit bucket.
 */
export class LakeStorage extends Construct {
  static readonly LAKE_ROOT = 'lake';

  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;
  readonly encryptionKey?: kms.Key;
  /** The roles granted object creation: each may only create, never replace (see `denyOverwrites`). */
  private readonly writers: iam.IRole[] = [];

  constructor(scope: Construct, id: string, props: LakeStorageProps) {
    super(scope, id);
    this.accessLogs = secureBucket(this, 'AccessLogs', {
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.accessLogExpirationDays) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the other kaudit buckets; logging it into itself would log its own log deliveries.',
    });

    if (props.encryption === 'kms') {
      this.encryptionKey = new kms.Key(this, 'Key', { description: 'kaudit lake', enableKeyRotation: true });
    }
    this.bucket = secureBucket(this, 'Lake', {
      encryptionKey: this.encryptionKey,
      accessLogs: { bucket: this.accessLogs, prefix: 'lake/' },
      versioned: true,
      // Always on: Object Lock can only be switched on when a bucket is created; without a default
      // retention (objectLockMode=none) it changes nothing until a retention period is configured.
      objectLockEnabled: true,
      objectLockDefaultRetention: props.objectLock && objectLockRetention(props.objectLock),
      lifecycleRules: [
        {
          id: 'age-lake-objects',
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.infrequentAccessAfterDays) }],
          expiration: props.expirationDays === undefined ? undefined : Duration.days(props.expirationDays),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
        },
      ],
    });
  }

  /** `KAUDIT_STORE_URL`: the lake root (docs/contracts.md#store-urls). */
  get storeUrl(): string {
    return `s3://${this.bucket.bucketName}/${LakeStorage.LAKE_ROOT}`;
  }

  /** The s3:// location of a lake prefix such as `events/v1/`. */
  lakeLocation(prefix: string): string {
    return `${this.storeUrl}/${prefix}`;
  }

  /**
   * Lets a function's role create objects under lake prefixes (by default the events and
   * quarantine prefixes of the ingesting functions), and nothing else: it never replaces or
   * deletes lake objects, and reads only what {@link grantPrefixRead} grants.
   */
  grantObjectCreation(role: iam.Role, prefixes: readonly string[] = [EVENTS_PREFIX, QUARANTINE_PREFIX]): void {
    if (this.writers.length === 0) this.denyOverwrites();
    this.writers.push(role);
    const keys = prefixes.map((prefix) => `${LakeStorage.LAKE_ROOT}/${prefix}`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: keys.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)) }));
    // SSE-KMS writes need a data key, and multipart uploads kms:Decrypt too; without s3:GetObject
    // the role still cannot read what it wrote.
    this.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const prefix of keys) this.acknowledgePrefixWildcard(role, prefix, 's3:PutObject');
  }

  /** Lets a lake job's role list and read objects under lake prefixes (the scheduled jobs read the lake; ingestion never does). */
  grantPrefixRead(role: iam.Role, prefixes: readonly string[]): void {
    const keys = prefixes.map((prefix) => `${LakeStorage.LAKE_ROOT}/${prefix}`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: keys.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)) }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': keys.map((prefix) => `${prefix}*`) } },
      }),
    );
    this.encryptionKey?.grant(role, 'kms:Decrypt');
    for (const prefix of keys) this.acknowledgePrefixWildcard(role, prefix, 's3:GetObject');
  }

  private acknowledgePrefixWildcard(role: iam.Role, prefix: string, action: string): void {
    const bucketArn = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
      reason: `Object keys are chosen per batch and hour at run time (the lake layout); the wildcard is confined to the ${prefix} prefix and the one action ${action}.`,
    });
  }

  /**
   * Refuses the roles granted object creation any PutObject without `If-None-Match`: with the
   * header S3 creates an object only where none is, so a role cannot replace what is stored (a
   * replaced object is kept as a noncurrent version, but readers see the new one). It refuses them
   * multipart uploads too, whose parts carry no such header: kaudit writes with one PUT. Scoped to those
   * roles by `aws:PrincipalArn`: Firehose's delivery role writes without the header (its object
   * names are unique per delivery), and what other principals may do is up to their own policies.
   */
  private denyOverwrites(): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyKauditFunctionWritesWithoutIfNoneMatch',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        // Except the symlink lists Athena reads the Parquet tier through: derived text that each compaction of an hour replaces.
        notResources: [this.bucket.arnForObjects(`${LakeStorage.LAKE_ROOT}/${SYMLINK_LISTS_PREFIX}*`)],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.writers.map((role) => role.roleArn) }) },
          Null: { 's3:if-none-match': 'true' },
        },
      }),
    );
  }
}

function objectLockRetention(lock: { mode: 'governance' | 'compliance'; days: number }): s3.ObjectLockRetention {
  const duration = Duration.days(lock.days);
  return lock.mode === 'compliance' ? s3.ObjectLockRetention.compliance(duration) : s3.ObjectLockRetention.governance(duration);
}
