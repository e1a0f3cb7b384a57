/**
 * Every environment variable / app setting kaudit reads, by name. The IaC templates are tested
 * against this list, so a renamed setting fails CI instead of a deployment.
 */
export const SETTINGS = {
  /** Store URL (SPEC §5). */
  storeUrl: 'KAUDIT_STORE_URL',
  /** Dead-letter store URL, any store kind. */
  deadLetterUrl: 'KAUDIT_DEADLETTER_URL',
  /** An audit Policy: a file path in the bundle, or inline YAML. */
  policy: 'KAUDIT_POLICY',
  /** Redaction of secret values: `on` (default) or `off`. */
  redaction: 'KAUDIT_REDACTION',
  /** More fields to redact per resource: a file path in the bundle, or inline YAML (docs/redaction.md). */
  redactionPaths: 'KAUDIT_REDACTION_PATHS',
  /** Redactions beyond the built-in fields, on or off by name: `configmap-passwords,-query-params` (docs/redaction.md). */
  redactionExtras: 'KAUDIT_REDACTION_EXTRAS',
  /** Detection rules evaluated at ingestion: `built-in` and rule paths, comma-separated, or inline rules (docs/detections.md). */
  rules: 'KAUDIT_RULES',
  /** Each cluster's approved networks, JSON `{"<cluster>": ["10.0.0.0/8", …]}`, for the built-in approved-networks rule. */
  approvedNetworks: 'KAUDIT_APPROVED_NETWORKS',
  /** Built-in rule ids not to evaluate, comma-separated. */
  disabledRules: 'KAUDIT_DISABLED_RULES',
  /** Alerts: the lowest finding level sent (default high). */
  alertLevel: 'KAUDIT_ALERT_LEVEL',
  /** Alerts on AWS: the EventBridge bus (name or ARN) findings are sent to. */
  alertEventBus: 'KAUDIT_ALERT_EVENT_BUS',
  /** Alerts on Azure: the Event Grid topic's endpoint findings are sent to. */
  alertEventGridEndpoint: 'KAUDIT_ALERT_EVENT_GRID_ENDPOINT',
  /** Region recorded for AKS events (AKS records don't carry one). */
  region: 'KAUDIT_REGION',
  /** Event Hubs connection prefix: `KAUDIT_EVENTHUB__fullyQualifiedNamespace` for identity-based access. */
  eventHubConnection: 'KAUDIT_EVENTHUB',
  eventHubName: 'KAUDIT_EVENTHUB_NAME',
  eventHubConsumerGroup: 'KAUDIT_EVENTHUB_CONSUMER_GROUP',
  /** `kaudit backfill aks`: an Event Hubs connection string, used instead of DefaultAzureCredential. */
  eventHubConnectionString: 'KAUDIT_EVENTHUB_CONNECTION_STRING',
  /** Webhook receiver: bearer tokens as JSON `{"<token>": {"cluster_name": …, "cluster_id": …}}`, or the path of such a file. */
  webhookTokens: 'KAUDIT_WEBHOOK_TOKENS',
  /**
   * Webhook receiver: the secret holding that JSON, read by the function itself. A Secrets Manager
   * secret's ARN or name, or a Key Vault secret URI `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`.
   */
  webhookTokensSecret: 'KAUDIT_WEBHOOK_TOKENS_SECRET',
  /** Webhook receiver: largest accepted body in bytes (default 12 MiB); a larger one is answered 413. */
  webhookMaxBodyBytes: 'KAUDIT_WEBHOOK_MAX_BODY_BYTES',
  /** Lambda sets it; the cluster ARN needs it. */
  awsRegion: 'AWS_REGION',
  /** Region of the AWS CLI's configuration, used when AWS_REGION is unset. */
  awsDefaultRegion: 'AWS_DEFAULT_REGION',
  /** Attempts per cloud store request (first try included) before a write fails for good. */
  storeMaxAttempts: 'KAUDIT_STORE_MAX_ATTEMPTS',
  /** Timeout of each cloud store request attempt, in milliseconds. */
  storeTimeoutMs: 'KAUDIT_STORE_TIMEOUT_MS',
  /** S3-compatible endpoint for S3 only, or for every AWS service (the SDKs' own names). */
  awsEndpointUrlS3: 'AWS_ENDPOINT_URL_S3',
  awsEndpointUrl: 'AWS_ENDPOINT_URL',
  /** `true`: bucket in the path, not the host name (most S3-compatible stores). */
  s3ForcePathStyle: 'KAUDIT_S3_FORCE_PATH_STYLE',
  /** KMS key (id, ARN or alias) for SSE-KMS; unset: SSE-S3. */
  s3SseKmsKeyId: 'KAUDIT_S3_SSE_KMS_KEY_ID',
  /**
   * `true`: the S3 endpoint honours `If-None-Match: *` on PutObject, and the store relies on it
   * alone; `false`: it checks with HEAD first. Default: true on AWS, false with a custom endpoint.
   */
  s3ConditionalWrites: 'KAUDIT_S3_CONDITIONAL_WRITES',
  /** Blob Storage connection string for local use and emulators; unset: Entra ID (managed identity, else DefaultAzureCredential). */
  azureStorageConnectionString: 'AZURE_STORAGE_CONNECTION_STRING',
  /**
   * Set by the App Service / Functions host when the app has a managed identity: its token endpoint
   * and the secret header it expects. With both, the Blob store asks that endpoint for tokens itself.
   */
  identityEndpoint: 'IDENTITY_ENDPOINT',
  identityHeader: 'IDENTITY_HEADER',
  /** Set by Service Fabric beside the two above (another protocol): DefaultAzureCredential handles it. */
  identityServerThumbprint: 'IDENTITY_SERVER_THUMBPRINT',
  /** Client id of a user-assigned managed identity (the name @azure/identity reads); unset: the system-assigned one. */
  azureClientId: 'AZURE_CLIENT_ID',
  /** Where `kaudit query` caches the partitions it pulls from a cloud store (default ./.kaudit-cache). */
  cacheDir: 'KAUDIT_CACHE_DIR',
  /** `kaudit compact` and the compaction functions: how long after its end an hour is closed, e.g. `90m`, `2h` (default 1h). */
  compactGrace: 'KAUDIT_COMPACT_GRACE',
  /** Largest decompressed (or received) payload in bytes; defaults and reasons in shared/core/limits.ts. */
  maxDecodedBytes: 'KAUDIT_MAX_DECODED_BYTES',
  /** Largest single audit event text in bytes (shared/core/limits.ts). */
  maxEventBytes: 'KAUDIT_MAX_EVENT_BYTES',
  /** Most records in one batch (shared/core/limits.ts). */
  maxRecordsPerBatch: 'KAUDIT_MAX_RECORDS_PER_BATCH',
  /** `kaudit tail`, and `kaudit ingest` of a pipe: store what a batch holds at least every this many seconds (default 5). */
  flushSeconds: 'KAUDIT_FLUSH_SECONDS',
} as const;

export type SettingName = (typeof SETTINGS)[keyof typeof SETTINGS];
