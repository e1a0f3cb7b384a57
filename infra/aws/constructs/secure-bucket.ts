import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SecureBucketProps {
  /** A customer managed key; unset: SSE-S3. */
  encryptionKey?: kms.IKey;
  /** Where the bucket's server access logs go; unset for the access-log bucket itself. */
  accessLogs?: { bucket: s3.IBucket; prefix: string };
  versioned?: boolean;
  objectLockEnabled?: boolean;
  objectLockDefaultRetention?: s3.ObjectLockRetention;
  lifecycleRules?: s3.LifecycleRule[];
}

/**
 * A bucket with kaudit's baseline: encrypted at rest, no public access, TLS 1.2+ only, ACLs
 * disabled, server access logs, and kept when the stack is deleted (it holds evidence).
 */
export function secureBucket(scope: Construct, id: string, props: SecureBucketProps): s3.Bucket {
  return new s3.Bucket(scope, id, {
    ...(props.encryptionKey ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true } : { encryption: s3.BucketEncryption.S3_MANAGED }),
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: props.versioned ?? false,
    objectLockEnabled: props.objectLockEnabled,
    objectLockDefaultRetention: props.objectLockDefaultRetention,
    serverAccessLogsBucket: props.accessLogs?.bucket,
    serverAccessLogsPrefix: props.accessLogs?.prefix,
    lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }, ...(props.lifecycleRules ?? [])],
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
