/**
 * The fixed values of the canonical event's enumerated fields (docs/contracts.md#canonical-event). Apart from the zod schema
 * in canonical-event.ts, so that code which needs only these values (the normalizer, the policy)
 * does not build the whole schema when a function starts.
 */
export const SCHEMA_VERSION = 'k8s_audit/1' as const;

export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export const USER_TYPES = ['service_account', 'node', 'anonymous', 'system', 'user'] as const;
export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export const PLATFORMS = ['eks', 'aks', 'self_managed'] as const;
export const CLOUD_PROVIDERS = ['aws', 'azure', 'none'] as const;
export const SOURCE_TYPES = ['cloudwatch_subscription', 'cloudwatch_api', 'firehose', 'eventhub', 'webhook', 'file'] as const;
