/**
 * Every environment variable / app setting kaudit reads, by name. What each holds, its type and
 * default are in the configuration's schema (shared/config/settings-schema.ts), keyed by these
 * keys: a name added here needs its entry there. The IaC templates are tested against this list,
 * so a renamed setting fails CI instead of a deployment.
 */
export const SETTINGS = {
  storeUrl: 'KAUDIT_STORE_URL',
  deadLetterUrl: 'KAUDIT_DEADLETTER_URL',
  policy: 'KAUDIT_POLICY',
  redaction: 'KAUDIT_REDACTION',
  redactionPaths: 'KAUDIT_REDACTION_PATHS',
  redactionExtras: 'KAUDIT_REDACTION_EXTRAS',
  region: 'KAUDIT_REGION',
  eventHubConnection: 'KAUDIT_EVENTHUB',
  eventHubName: 'KAUDIT_EVENTHUB_NAME',
  eventHubConsumerGroup: 'KAUDIT_EVENTHUB_CONSUMER_GROUP',
  eventHubConnectionString: 'KAUDIT_EVENTHUB_CONNECTION_STRING',
  webhookTokens: 'KAUDIT_WEBHOOK_TOKENS',
  webhookTokensSecret: 'KAUDIT_WEBHOOK_TOKENS_SECRET',
  webhookMaxBodyBytes: 'KAUDIT_WEBHOOK_MAX_BODY_BYTES',
  awsRegion: 'AWS_REGION',
  awsDefaultRegion: 'AWS_DEFAULT_REGION',
  storeMaxAttempts: 'KAUDIT_STORE_MAX_ATTEMPTS',
  storeTimeoutMs: 'KAUDIT_STORE_TIMEOUT_MS',
  awsEndpointUrlS3: 'AWS_ENDPOINT_URL_S3',
  awsEndpointUrl: 'AWS_ENDPOINT_URL',
  s3ForcePathStyle: 'KAUDIT_S3_FORCE_PATH_STYLE',
  s3SseKmsKeyId: 'KAUDIT_S3_SSE_KMS_KEY_ID',
  s3ConditionalWrites: 'KAUDIT_S3_CONDITIONAL_WRITES',
  azureStorageConnectionString: 'AZURE_STORAGE_CONNECTION_STRING',
  identityEndpoint: 'IDENTITY_ENDPOINT',
  identityHeader: 'IDENTITY_HEADER',
  identityServerThumbprint: 'IDENTITY_SERVER_THUMBPRINT',
  azureClientId: 'AZURE_CLIENT_ID',
  cacheDir: 'KAUDIT_CACHE_DIR',
  rules: 'KAUDIT_RULES',
  approvedNetworks: 'KAUDIT_APPROVED_NETWORKS',
  disabledRules: 'KAUDIT_DISABLED_RULES',
  compactGrace: 'KAUDIT_COMPACT_GRACE',
  flushSeconds: 'KAUDIT_FLUSH_SECONDS',
  maxDecodedBytes: 'KAUDIT_MAX_DECODED_BYTES',
  maxEventBytes: 'KAUDIT_MAX_EVENT_BYTES',
  maxRecordsPerBatch: 'KAUDIT_MAX_RECORDS_PER_BATCH',
} as const;

export type SettingKey = keyof typeof SETTINGS;
