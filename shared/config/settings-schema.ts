import { constants } from 'node:buffer';
import * as z from 'zod';
import { DEFAULT_LIMITS } from '../core/limits.ts';
import type { SettingKey } from '../core/settings.ts';
import { FINDING_LEVELS } from '../schema/finding-constants.ts';
import { type ConfigOf, type SettingSpec, setting } from './setting-spec.ts';
import { boolean, documentText, duration, integer, jsonText, oneOf, positiveNumber, text, url } from './setting-types.ts';

/** Where the commands store when no store is configured. */
export const DEFAULT_STORE_URL = 'file://./kaudit-data';

/** The webhook receiver's default body limit: above kube-apiserver's default truncating batch limit. */
const DEFAULT_MAX_BODY_BYTES = 12 * 1024 * 1024;

const STORING = 'every function; the commands that store (`ingest`, `serve`, `backfill`, `redrive`)';
const S3_STORES = 's3:// stores (functions and commands)';
const BLOB_STORES = 'Blob stores (functions and commands)';

/**
 * Every setting kaudit reads, keyed as SETTINGS names them (shared/core/settings.ts): its type, its
 * default, what it is for and what reads it. docs/configuration.md's table is generated from it.
 */
export const SETTING_SPECS = {
  storeUrl: setting(text('a store URL: file://PATH, s3://BUCKET/PREFIX, azblob://ACCOUNT/CONTAINER/PREFIX or https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX'), {
    description: 'Where events and quarantine records are stored (docs/contracts.md#store-urls). `--store` overrides it.',
    usedBy: `${STORING}; \`query\``,
    defaultText: `\`${DEFAULT_STORE_URL}\` for the commands; the functions require it`,
  }),
  deadLetterUrl: setting(text('a store URL, any kind'), {
    description: 'Where the AKS function puts a batch it still cannot store on its last retry.',
    usedBy: 'the AKS function',
  }),
  policy: setting(documentText('an audit Policy (YAML or JSON), or the path of a file holding one'), {
    description:
      'An `audit.k8s.io/v1` Policy applied before storing (docs/policy.md). A relative path is taken from the bundle root (functions) or the working directory. `--policy` overrides it.',
    usedBy: STORING,
  }),
  redaction: setting(oneOf(['on', 'off']), {
    description: 'Redaction of secret values before storing (docs/redaction.md).',
    usedBy: STORING,
    default: 'on',
  }),
  redactionPaths: setting(documentText('redaction rules (YAML or JSON), or the path of a file holding them'), {
    description: 'More fields to redact, per resource (docs/redaction.md).',
    usedBy: STORING,
  }),
  redactionExtras: setting(text('extras by name, separated by commas; a leading `-` switches a default one off'), {
    description: 'Redactions beyond the built-in fields, on or off by name: `configmap-passwords,-query-params` (docs/redaction.md).',
    usedBy: STORING,
  }),
  region: setting(text('an Azure region name'), {
    description: 'The region recorded as `cloud_region` of AKS events, which do not carry one. `kaudit backfill aks --region` overrides it.',
    usedBy: 'the AKS function, the webhook function; `backfill aks`',
  }),
  eventHubConnection: setting(text('a connection prefix'), {
    description: 'The Event Hubs trigger’s connection, read by the Functions host: `KAUDIT_EVENTHUB__fullyQualifiedNamespace` names the namespace for identity-based access.',
    usedBy: 'the Functions host (AKS trigger)',
  }),
  eventHubName: setting(text('an Event Hub name'), { description: 'The Event Hub the AKS trigger reads.', usedBy: 'the Functions host (AKS trigger)' }),
  eventHubConsumerGroup: setting(text('a consumer group name'), {
    description: 'The consumer group of the AKS trigger.',
    usedBy: 'the Functions host (AKS trigger)',
  }),
  eventHubConnectionString: setting(text('an Event Hubs connection string'), {
    description: 'Used instead of DefaultAzureCredential. `--connection-string` overrides it.',
    usedBy: '`backfill aks`',
    secret: true,
  }),
  webhookTokens: setting(text('the tokens JSON `{"<token>": {"cluster_name": …, "cluster_id": …}}`, or the path of a tokens file'), {
    description: 'The webhook receiver’s bearer tokens, each naming its cluster (docs/contracts.md#webhook-tokens), for self-hosting. Not with `KAUDIT_WEBHOOK_TOKENS_SECRET`.',
    usedBy: 'the webhook functions',
    secret: true,
  }),
  webhookTokensSecret: setting(text('a Secrets Manager secret ARN or name, or a Key Vault secret URI https://VAULT.vault.azure.net/secrets/NAME[/VERSION]'), {
    description: 'The secret holding the tokens JSON, read by the function itself and read again when an unknown token arrives.',
    usedBy: 'the webhook functions',
  }),
  webhookMaxBodyBytes: setting(integer(1, Number.MAX_SAFE_INTEGER, 'a positive whole number of bytes'), {
    description: 'The largest request body the webhook receiver accepts; a larger one is answered 413.',
    usedBy: 'the webhook functions; `serve`',
    default: DEFAULT_MAX_BODY_BYTES,
    defaultText: '`12582912` (12 MiB)',
  }),
  awsRegion: setting(text('an AWS region name'), {
    description: 'The AWS region: of EKS events (the cluster ARN needs it), of S3 requests, queues and log groups. Lambda sets it. `--region` overrides it.',
    usedBy: 'the EKS functions; `ingest`, `backfill eks`, `redrive`; s3:// stores',
  }),
  awsDefaultRegion: setting(text('an AWS region name'), {
    description: 'The region of the AWS CLI’s configuration, used when `AWS_REGION` is unset.',
    usedBy: 'wherever `AWS_REGION` is',
  }),
  storeMaxAttempts: setting(integer(1, 10), {
    // A few attempts with backoff ride out a throttling burst or a dropped connection; past that the
    // platform's own retry takes the batch again.
    description: 'Attempts per cloud store request, the first included, before a write fails for good.',
    usedBy: 'cloud stores',
    default: 4,
  }),
  storeTimeoutMs: setting(integer(100, Number.MAX_SAFE_INTEGER, 'a whole number of milliseconds, at least 100'), {
    // Batch objects are small: an attempt that takes longer than this is stuck.
    description: 'Timeout of each cloud store request attempt, in milliseconds.',
    usedBy: 'cloud stores',
    default: 30_000,
  }),
  awsEndpointUrlS3: setting(url(), { description: 'An S3-compatible endpoint, for S3 only (the SDK’s own name).', usedBy: S3_STORES }),
  awsEndpointUrl: setting(url(), { description: 'An endpoint for every AWS service; S3 uses it when `AWS_ENDPOINT_URL_S3` is unset.', usedBy: S3_STORES }),
  s3ForcePathStyle: setting(boolean(), {
    description: '`true`: the bucket goes in the path, not the host name (most S3-compatible stores).',
    usedBy: S3_STORES,
    default: false,
  }),
  s3SseKmsKeyId: setting(text('a KMS key id, ARN or alias'), { description: 'SSE-KMS with this key; unset: SSE-S3.', usedBy: S3_STORES }),
  s3ConditionalWrites: setting(boolean(), {
    description: '`true`: the endpoint honours `If-None-Match: *` on PutObject and the store relies on it alone; `false`: it checks with HEAD first.',
    usedBy: S3_STORES,
    defaultText: '`true` on AWS, `false` with a custom endpoint',
  }),
  azureStorageConnectionString: setting(text('an Azure Storage connection string'), {
    description: 'Blob Storage credentials for local use and emulators (its `BlobEndpoint` wins); unset: Entra ID.',
    usedBy: BLOB_STORES,
    secret: true,
  }),
  identityEndpoint: setting(url(), {
    description: 'Set by the App Service / Functions host when the app has a managed identity: its token endpoint.',
    usedBy: 'Blob stores and Key Vault secrets in a Functions app',
  }),
  identityHeader: setting(text('the host’s identity header secret'), {
    description: 'Set by the host beside `IDENTITY_ENDPOINT`: the secret header its endpoint expects.',
    usedBy: 'Blob stores and Key Vault secrets in a Functions app',
    secret: true,
  }),
  identityServerThumbprint: setting(text('a certificate thumbprint'), {
    description: 'Set by Service Fabric beside the two above (another protocol, which DefaultAzureCredential handles).',
    usedBy: BLOB_STORES,
  }),
  azureClientId: setting(text('a client id'), {
    description: 'A user-assigned managed identity (the name @azure/identity reads); unset: the system-assigned one.',
    usedBy: BLOB_STORES,
  }),
  cacheDir: setting(text('a directory path'), {
    description: 'Where the commands that read the lake cache the partitions they copy from a cloud store; relative to the working directory.',
    usedBy: '`query`, `search`, `detect`, `ui`',
    default: '.kaudit-cache',
  }),
  rules: setting(documentText('`built-in` and rule files or directories, separated by commas; or rules inline, as YAML documents or a JSON list'), {
    description:
      'Sigma detection rules evaluated as events are stored; their findings are stored under `findings/v1/` (docs/detections.md). Unset: no detection. `kaudit ingest --rules` overrides it.',
    usedBy: STORING,
  }),
  approvedNetworks: setting(
    jsonText(z.record(z.string(), z.array(z.string()).min(1)), 'a JSON object mapping each cluster name to a non-empty list of networks: {"prod-eu": ["10.20.0.0/16"]}'),
    { description: 'The networks each cluster may be changed from, for the built-in approved-networks rule (docs/detections.md).', usedBy: 'detections; `detect`' },
  ),
  disabledRules: setting(text('built-in rule ids, separated by commas'), {
    description: 'Built-in detection rules not to load (docs/detections.md).',
    usedBy: 'detections; `detect`',
  }),
  alertLevel: setting(oneOf(FINDING_LEVELS), {
    description: 'The lowest level of the findings a function sends as alerts (docs/detections.md).',
    usedBy: 'the functions, with an alert bus or topic',
    default: 'high',
  }),
  alertEventBus: setting(text('an EventBridge bus name or ARN'), {
    description: 'AWS: the EventBridge bus each stored finding at or above `KAUDIT_ALERT_LEVEL` is sent to; a failed send fails the batch, so it is delivered again.',
    usedBy: 'the EKS functions',
  }),
  alertEventGridEndpoint: setting(url('the topic’s https endpoint, https://TOPIC.REGION-1.eventgrid.azure.net/api/events'), {
    description: 'Azure: the Event Grid topic each stored finding at or above `KAUDIT_ALERT_LEVEL` is sent to, with the app’s managed identity.',
    usedBy: 'the AKS and webhook functions on Azure',
  }),
  compactGrace: setting(duration(), {
    description: 'How long after its end an hour of events is closed, and `kaudit compact` rewrites it as Parquet (docs/contracts.md#query-tier).',
    usedBy: '`compact`',
    defaultText: '`1h`',
  }),
  detectWindow: setting(duration(), {
    description:
      'How far back the scheduled analytics job looks: the window ends at the start of the hour it was scheduled in, so hourly runs with the default cover each hour once (docs/detections.md#scheduled).',
    usedBy: 'the lake analytics functions',
    default: 3_600_000,
    defaultText: '`1h`',
  }),
  compactionSchedule: setting(text('an NCRONTAB expression with seconds: `0 5 * * * *`'), {
    description: 'Azure: when the lake compaction timer function runs, read by the Functions host (docs/deploy.md).',
    usedBy: 'the Functions host (compaction timer)',
  }),
  analyticsSchedule: setting(text('an NCRONTAB expression with seconds: `0 15 * * * *`'), {
    description: 'Azure: when the lake analytics timer function runs, read by the Functions host (docs/deploy.md).',
    usedBy: 'the Functions host (analytics timer)',
  }),
  flushSeconds: setting(positiveNumber(3600, 'a number of seconds, more than 0 and at most 3600'), {
    description: 'How often `kaudit tail`, and `kaudit ingest` of a pipe or stdin, store what they have read, whatever the batch’s size.',
    usedBy: '`tail`, `ingest`',
    default: 5,
  }),
  maxDecodedBytes: setting(integer(1, constants.MAX_LENGTH, `a positive whole number of bytes, at most ${constants.MAX_LENGTH} (the largest Buffer)`), {
    description: 'The largest decompressed (or received) payload; bounds a decompression bomb. Why each limit’s default: shared/core/limits.ts.',
    usedBy: STORING,
    default: DEFAULT_LIMITS.maxDecodedBytes,
    defaultText: '`67108864` (64 MiB)',
  }),
  maxEventBytes: setting(integer(1, Number.MAX_SAFE_INTEGER, 'a positive whole number of bytes'), {
    description: 'The largest single audit event text.',
    usedBy: STORING,
    default: DEFAULT_LIMITS.maxEventBytes,
    defaultText: '`4194304` (4 MiB)',
  }),
  maxRecordsPerBatch: setting(integer(1, Number.MAX_SAFE_INTEGER, 'a positive whole number'), {
    description: 'The most records in one batch; a longer one is stored in parts.',
    usedBy: STORING,
    default: DEFAULT_LIMITS.maxRecordsPerBatch,
  }),
} satisfies { [K in SettingKey]: SettingSpec<unknown> };

/** kaudit's configuration: every setting's value, typed, defaults applied. */
export type KauditConfig = ConfigOf<typeof SETTING_SPECS>;
