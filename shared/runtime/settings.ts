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
  /** Webhook receiver: largest accepted body in bytes (default 12 MiB); a larger one is answered 413. */
  webhookMaxBodyBytes: 'KAUDIT_WEBHOOK_MAX_BODY_BYTES',
  /** Lambda sets it; the cluster ARN needs it. */
  awsRegion: 'AWS_REGION',
} as const;

export type SettingName = (typeof SETTINGS)[keyof typeof SETTINGS];
