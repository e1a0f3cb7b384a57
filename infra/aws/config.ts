import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Function size from the benchmark (docs/performance.md): the work is CPU-bound, so 512 MB costs
 * about what 256 MB does per event at half the latency. Override in a config file
 * (`memoryMb`, `timeoutSeconds`) or per deployment with `-c memoryMb=1024`.
 */
export const DEFAULT_FUNCTION_SIZE = { memoryMb: 512, timeoutSeconds: 60 } as const;

// EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric.
const ClusterName = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, 'not an EKS cluster name');
const Days = z.coerce.number().int().min(1);
// `-c webhook=true` arrives as a string, a config file's `"webhook": true` as a boolean.
const Flag = z.union([z.boolean(), z.stringbool()]);
const ClusterList = z
  .preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(ClusterName))
  .refine((names) => new Set(names).size === names.length, 'a cluster is listed twice')
  .default([]);
// An IAM role or user, named exactly: key policies take no wildcards, and an account root would let any of its identities in.
const PrincipalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]{1,512}$/, 'not the ARN of an IAM role or user');
const PrincipalList = z.preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(PrincipalArn)).default([]);

/** Everything a deployment can choose; every key can be set in the config file or with `-c key=value`. */
export const AwsDeploymentConfigSchema = z
  .object({
    /** EKS clusters in this account and region whose audit logs are subscribed. */
    clusters: ClusterList,
    /** EKS clusters subscribed through Firehose instead (busy clusters: large objects, fewer invocations). */
    firehoseClusters: ClusterList,
    memoryMb: z.coerce.number().int().min(128).max(10_240).default(DEFAULT_FUNCTION_SIZE.memoryMb),
    timeoutSeconds: z.coerce.number().int().min(1).max(900).default(DEFAULT_FUNCTION_SIZE.timeoutSeconds),
    /** Caps concurrent executions (and so the S3 request rate); unset: the account's shared pool. */
    reservedConcurrency: z.coerce.number().int().min(1).optional(),
    /** How long Lambda keeps retrying an event before it goes to the on-failure queue (at most 6 h). */
    maxEventAgeHours: z.coerce.number().int().min(1).max(6).default(6),
    /**
     * Days the on-failure queue keeps a batch (SQS: 1-14). It holds original events, unredacted, so
     * briefly; CloudWatch Logs still has them afterwards, for `kaudit backfill eks`.
     */
    failureQueueRetentionDays: z.coerce.number().int().min(1).max(14).default(4),
    /** IAM roles or users that may read and decrypt the on-failure queue: whoever runs `kaudit redrive`. Nobody else can. */
    failureQueueReaders: PrincipalList,
    /** Days objects under firehose-errors/ (records Firehose itself failed, with their original data) are kept. */
    firehoseErrorExpirationDays: Days.default(7),
    /** `s3`: SSE-S3. `kms`: a customer managed key with rotation, created by the stack. */
    lakeEncryption: z.enum(['s3', 'kms']).default('s3'),
    /** Default Object Lock retention of every stored object; unset: no default retention. */
    objectLockMode: z.enum(['governance', 'compliance']).optional(),
    objectLockDays: Days.optional(),
    /** Move lake objects to S3 Standard-IA after this many days. */
    infrequentAccessAfterDays: z.coerce.number().int().min(30).default(90),
    /** Delete lake objects after this many days; unset: keep them. */
    lakeExpirationDays: Days.optional(),
    noncurrentVersionExpirationDays: Days.default(30),
    athenaResultsExpirationDays: Days.default(30),
    logRetentionDays: Days.default(90),
    /** A local audit Policy file, read at synthesis and passed to every function inline (`KAUDIT_POLICY`). */
    auditPolicyFile: z.string().min(1).optional(),
    /** A local file of extra redaction paths, read at synthesis and passed inline (`KAUDIT_REDACTION_PATHS`). */
    redactionPathsFile: z.string().min(1).optional(),
    /** Deploy the audit webhook receiver for self-managed clusters behind a Lambda Function URL. */
    webhook: Flag.default(false),
    /** Name or ARN of the Secrets Manager secret holding the webhook's tokens JSON. */
    webhookTokensSecret: z.string().min(1).default('kaudit-webhook-tokens'),
    /**
     * The secret version (VersionId) the webhook reads. CloudFormation resolves the secret only
     * when the reference changes, so naming the new version is how changed tokens reach the function.
     */
    webhookTokensSecretVersion: z.string().min(1).optional(),
    /** Caps the webhook's concurrent executions, so a flood at its public URL cannot take the account's pool. */
    webhookReservedConcurrency: z.coerce.number().int().min(1).optional(),
    /** SNS topic the alarms notify; unset: alarms without actions. */
    alarmTopicArn: z.string().startsWith('arn:').optional(),
    /** First day Athena's partition projection covers; older events are not queryable. */
    partitionsSince: z.iso.date().default('2024-01-01'),
    /** Glue database and Athena workgroup name. */
    catalogName: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and underscores').default('kaudit'),
  })
  .strict()
  .refine((config) => (config.objectLockMode === undefined) === (config.objectLockDays === undefined), {
    message: 'objectLockMode and objectLockDays go together',
    path: ['objectLockDays'],
  })
  .refine((config) => !config.firehoseClusters.some((cluster) => config.clusters.includes(cluster)), {
    message: 'a cluster is subscribed through Firehose or directly, not both',
    path: ['firehoseClusters'],
  })
  .refine((config) => config.webhook || (config.webhookTokensSecretVersion === undefined && config.webhookReservedConcurrency === undefined), {
    message: 'webhook settings are given, but the webhook is not deployed (webhook=true)',
    path: ['webhook'],
  });

export type AwsDeploymentConfig = z.infer<typeof AwsDeploymentConfigSchema>;

/** Reads the CDK context a construct node sees (`node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** Context key naming a JSON config file; other context keys override the file's values. */
export const CONFIG_FILE_CONTEXT_KEY = 'config';

/**
 * The deployment configuration: defaults, then the JSON file named by `-c config=FILE` (relative
 * to the working directory), then individual `-c key=value` context values.
 */
export function loadAwsDeploymentConfig(readContext: ContextReader): AwsDeploymentConfig {
  const file = readContext(CONFIG_FILE_CONTEXT_KEY);
  const fromFile = typeof file === 'string' ? (JSON.parse(readFileSync(resolve(file), 'utf8')) as Record<string, unknown>) : {};
  const fromContext = Object.fromEntries(
    Object.keys(AwsDeploymentConfigSchema.shape)
      .map((key) => [key, readContext(key)] as const)
      .filter(([, value]) => value !== undefined),
  );
  const parsed = AwsDeploymentConfigSchema.safeParse({ ...fromFile, ...fromContext });
  if (!parsed.success) throw new Error(`invalid kaudit deployment configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
