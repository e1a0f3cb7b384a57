import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FINDING_LEVELS } from '../../shared/schema/finding-constants.ts';
import { SECRETS_MANAGER_SECRET_ID } from '../../shared/sources/webhook/tokens-secret.ts';
import { parseRedactionExtras } from '../../shared/transforms/redaction/redaction-extras.ts';

/**
 * Function size from the benchmark (docs/performance.md): the work is CPU-bound, so a larger
 * function costs about the same per event and answers sooner. Override in a config file
 * (`memoryMb`, `timeoutSeconds`) or per deployment with `-c memoryMb=1024`.
 */
export const DEFAULT_FUNCTION_SIZE = { memoryMb: 512, timeoutSeconds: 60 } as const;

/**
 * The scheduled lake jobs (compaction, analytics): Lambda's longest timeout, so a run does as
 * many hours as it can before stopping; memory for DuckDB and Node beside it (and the CPU that
 * comes with it); /tmp for staged objects, the lake cache and DuckDB's spill.
 */
const DEFAULT_JOB_SIZE = { memoryMb: 2048, timeoutSeconds: 900, ephemeralStorageMb: 4096 } as const;

/**
 * When the jobs run (EventBridge Scheduler, UTC): compaction a few minutes past each hour, once
 * the hour before last has closed; analytics later, when late deliveries of the hour before have
 * arrived. The compaction alarm fires when more closed hours than this wait after a run.
 */
const DEFAULT_JOB_SCHEDULES = { compaction: 'cron(5 * * * ? *)', analytics: 'cron(20 * * * ? *)', compactionBacklogHours: 3 } as const;

/**
 * Reserved concurrency by default: each function gets its own share of the account's pool, so a
 * flood at the webhook's public URL cannot starve the EKS ingest function, and neither can take
 * the concurrency of the account's other functions. Both leave the 100 unreserved executions
 * Lambda requires in an account with the default quota of 1,000; `none` leaves a function in the
 * shared pool (an account with a lower quota needs that).
 */
export const DEFAULT_RESERVED_CONCURRENCY = { ingest: 20, webhook: 10 } as const;

/**
 * Object Lock default retention of the lake: a year, the retention audit logs commonly need, in
 * governance mode, which a principal allowed `s3:BypassGovernanceRetention` can still lift.
 * `objectLockMode=none` turns it off.
 */
export const DEFAULT_OBJECT_LOCK = { mode: 'governance', days: 365 } as const;

// EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric.
const ClusterName = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, 'not an EKS cluster name');
const Days = z.coerce.number().int().min(1);
// `-c reservedConcurrency=none`, or a number of executions.
const ReservedConcurrency = z.union([z.literal('none'), z.coerce.number().int().min(1)]).transform((value) => (value === 'none' ? null : value));
// `-c webhook=true` arrives as a string, a config file's `"webhook": true` as a boolean.
const Flag = z.union([z.boolean(), z.stringbool()]);
const ClusterList = z
  .preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(ClusterName))
  .refine((names) => new Set(names).size === names.length, 'a cluster is listed twice')
  .default([]);
// An IAM role or user, named exactly: key policies take no wildcards, and an account root would let any of its identities in.
const PrincipalArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(?:role|user)\/[\w+=,.@/-]{1,512}$/, 'not the ARN of an IAM role or user');
// An EventBridge Scheduler expression: cron(…) with six fields, rate(…) or at(…).
const ScheduleExpression = z
  .string()
  .regex(
    /^(?:cron\((?:\S+ ){5}\S+\)|rate\(\d+ (?:minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/,
    'not a Scheduler expression: cron(5 * * * ? *), rate(1 hour)',
  );
const PrincipalList = z.preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(PrincipalArn)).default([]);

/** Everything a deployment can choose; every key can be set in the config file or with `-c key=value`. */
const AwsDeploymentConfigSchema = z
  .object({
    /** EKS clusters in this account and region whose audit logs are subscribed. */
    clusters: ClusterList,
    /** EKS clusters subscribed through Firehose instead (busy clusters: large objects, fewer invocations). */
    firehoseClusters: ClusterList,
    memoryMb: z.coerce.number().int().min(128).max(10_240).default(DEFAULT_FUNCTION_SIZE.memoryMb),
    timeoutSeconds: z.coerce.number().int().min(1).max(900).default(DEFAULT_FUNCTION_SIZE.timeoutSeconds),
    /** Executions reserved for the EKS ingest function, which also caps them (and so its S3 request rate); `none`: the account's shared pool. */
    reservedConcurrency: ReservedConcurrency.default(DEFAULT_RESERVED_CONCURRENCY.ingest),
    /** The scheduled lake jobs' memory, timeout and /tmp size (the compaction job starts no hour within HOUR_RESERVE_MS of its timeout). */
    jobMemoryMb: z.coerce.number().int().min(1024).max(10_240).default(DEFAULT_JOB_SIZE.memoryMb),
    jobTimeoutSeconds: z.coerce.number().int().min(360).max(900).default(DEFAULT_JOB_SIZE.timeoutSeconds),
    jobEphemeralStorageMb: z.coerce.number().int().min(512).max(10_240).default(DEFAULT_JOB_SIZE.ephemeralStorageMb),
    /** When the compaction and analytics jobs run (EventBridge Scheduler expressions, UTC). */
    compactionSchedule: ScheduleExpression.default(DEFAULT_JOB_SCHEDULES.compaction),
    analyticsSchedule: ScheduleExpression.default(DEFAULT_JOB_SCHEDULES.analytics),
    /** The compaction alarm fires when a run leaves more closed hours than this to the next. */
    compactionBacklogHours: z.coerce.number().int().min(1).default(DEFAULT_JOB_SCHEDULES.compactionBacklogHours),
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
    /** Default Object Lock retention of every stored object; `none`: no default retention. */
    objectLockMode: z.enum(['governance', 'compliance', 'none']).default(DEFAULT_OBJECT_LOCK.mode),
    objectLockDays: Days.default(DEFAULT_OBJECT_LOCK.days),
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
    /**
     * Redaction extras (`KAUDIT_REDACTION_EXTRAS`, docs/redaction.md): names to switch on, `-name` to
     * switch a default off, e.g. `configmap-passwords,-query-params`. Checked at synthesis.
     */
    redactionExtras: z
      .string()
      .trim()
      .optional()
      .superRefine((value, context) => {
        try {
          parseRedactionExtras(value);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
    /**
     * Detection rules evaluated at ingestion (`KAUDIT_RULES`): `built-in` for kaudit's pack, and local
     * rule files or directories, read and checked at synthesis (a rule that does not load fails it).
     */
    rules: z.preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(z.string().min(1))).default([]),
    /** Each cluster's approved networks for the pack's approved-networks rule, `{"prod": ["10.0.0.0/16"]}`. */
    approvedNetworks: z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), z.record(z.string(), z.array(z.string()))).optional(),
    /** Pack rule ids not to evaluate. */
    disabledRules: z.preprocess((value) => (typeof value === 'string' ? splitList(value) : value), z.array(z.string())).default([]),
    /** Findings at or above this level are sent to the findings bus, and from there to the alerts topic. */
    alertLevel: z.enum(FINDING_LEVELS).default('high'),
    /** An e-mail address subscribed to the alerts topic (it must confirm the subscription). */
    alertEmail: z.email().optional(),
    /** Deploy the audit webhook receiver for self-managed clusters behind a Lambda Function URL. */
    webhook: Flag.default(false),
    /**
     * Name or complete ARN of the Secrets Manager secret holding the webhook's tokens JSON, which
     * the function reads itself (its current version) and may read, alone of all secrets.
     */
    webhookTokensSecret: z.string().regex(SECRETS_MANAGER_SECRET_ID, 'not a Secrets Manager secret name or ARN').default('kaudit-webhook-tokens'),
    /** The customer managed KMS key that encrypts the tokens secret, which the webhook may then decrypt through Secrets Manager; unset: the AWS managed key. */
    webhookTokensSecretKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, 'not a KMS key ARN')
      .optional(),
    /** Executions reserved for the webhook, which also caps them: a flood at its public URL is throttled there; `none`: the account's shared pool. */
    webhookReservedConcurrency: ReservedConcurrency.default(DEFAULT_RESERVED_CONCURRENCY.webhook),
    /** SNS topic the alarms notify; unset: alarms without actions. */
    alarmTopicArn: z.string().startsWith('arn:').optional(),
    /** First day Athena's partition projection covers; older events are not queryable. */
    partitionsSince: z.iso.date().default('2024-01-01'),
    /**
     * Athena's `events` view reads Parquet for hours that ended longer ago than this, NDJSON for newer ones:
     * the compaction grace (1 h) plus its hourly schedule, with an hour's margin.
     */
    athenaParquetAfterHours: z.number().int().min(2).max(168).default(3),
    /** Glue database and Athena workgroup name. */
    catalogName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and underscores')
      .default('kaudit'),
  })
  .strict()
  .refine((config) => config.objectLockMode === 'none' || config.lakeExpirationDays === undefined || config.lakeExpirationDays >= config.objectLockDays, {
    message: 'lakeExpirationDays is shorter than objectLockDays: expired objects would be hidden but kept, and billed, until their retention ends',
    path: ['lakeExpirationDays'],
  })
  .refine((config) => !config.firehoseClusters.some((cluster) => config.clusters.includes(cluster)), {
    message: 'a cluster is subscribed through Firehose or directly, not both',
    path: ['firehoseClusters'],
  })
  .refine((config) => config.rules.length > 0 || config.alertEmail === undefined, {
    message: 'an alert e-mail is given, but no rules are evaluated (rules)',
    path: ['alertEmail'],
  })
  .refine((config) => config.webhook || config.webhookTokensSecretKeyArn === undefined, {
    message: 'webhook settings are given, but the webhook is not deployed (webhook=true)',
    path: ['webhook'],
  });

export type AwsDeploymentConfig = z.infer<typeof AwsDeploymentConfigSchema>;

/** Reads the CDK context a construct node sees (`node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** Context key naming a JSON config file; other context keys override the file's values. */
const CONFIG_FILE_CONTEXT_KEY = 'config';

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
