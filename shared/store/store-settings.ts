import * as z from 'zod';
import { SETTINGS } from '../core/settings.ts';
import type { ManagedIdentityEndpoint } from './app-service-managed-identity.ts';

const optionalText = z.string().trim().min(1).optional();

/** The environment variables of the cloud stores (SPEC §5), by their names so errors name them. */
const StoreEnvSchema = z.object({
  // Four attempts with exponential backoff ride out a throttling burst or a dropped
  // connection in a few seconds; past that the function fails and the platform's own retry
  // (Lambda async retries, the Event Hubs trigger's retry policy) takes the batch again.
  [SETTINGS.storeMaxAttempts]: z.coerce.number().int().min(1).max(10).default(4),
  // Batch objects are at most a few MB: an attempt that takes longer than this is stuck.
  [SETTINGS.storeTimeoutMs]: z.coerce.number().int().min(100).default(30_000),
  [SETTINGS.awsRegion]: optionalText,
  [SETTINGS.awsDefaultRegion]: optionalText,
  [SETTINGS.awsEndpointUrlS3]: z.url().optional(),
  [SETTINGS.awsEndpointUrl]: z.url().optional(),
  [SETTINGS.s3ForcePathStyle]: z.stringbool().default(false),
  [SETTINGS.s3SseKmsKeyId]: optionalText,
  [SETTINGS.s3ConditionalWrites]: z.stringbool().optional(),
  [SETTINGS.azureStorageConnectionString]: optionalText,
  [SETTINGS.identityEndpoint]: z.url().optional(),
  [SETTINGS.identityHeader]: optionalText,
  [SETTINGS.identityServerThumbprint]: optionalText,
  [SETTINGS.azureClientId]: optionalText,
});

/** How the cloud stores connect and how hard they try. */
export interface StoreSettings {
  maxAttempts: number;
  attemptTimeoutMs: number;
  s3: {
    /** Without one, the SDK's default; `followRegionRedirects` then finds the bucket's region. */
    region: string | null;
    endpoint: string | null;
    forcePathStyle: boolean;
    sseKmsKeyId: string | null;
    /** Whether the endpoint honours `If-None-Match: *` on PutObject, so no HEAD is needed first. */
    conditionalWrites: boolean;
  };
  azureConnectionString: string | null;
  /**
   * The App Service / Functions host's managed identity endpoint, when it provides one (both
   * IDENTITY_ENDPOINT and IDENTITY_HEADER set, and not Service Fabric's variant of them).
   */
  azureManagedIdentity: ManagedIdentityEndpoint | null;
}

/** The store settings in `env`; a malformed value is a configuration error naming the variable. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv): StoreSettings {
  // An empty variable is an unset one, as in shells and app settings templates.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = StoreEnvSchema.safeParse(present);
  if (!parsed.success) throw new Error(`invalid store setting: ${z.prettifyError(parsed.error)}`);
  const values = parsed.data;
  const endpoint = values[SETTINGS.awsEndpointUrlS3] ?? values[SETTINGS.awsEndpointUrl] ?? null;
  return {
    maxAttempts: values[SETTINGS.storeMaxAttempts],
    attemptTimeoutMs: values[SETTINGS.storeTimeoutMs],
    s3: {
      region: values[SETTINGS.awsRegion] ?? values[SETTINGS.awsDefaultRegion] ?? null,
      endpoint,
      forcePathStyle: values[SETTINGS.s3ForcePathStyle],
      sseKmsKeyId: values[SETTINGS.s3SseKmsKeyId] ?? null,
      // S3 has honoured conditional writes since 2024; S3-compatible stores may not (s3rver, older MinIO and Ceph).
      conditionalWrites: values[SETTINGS.s3ConditionalWrites] ?? endpoint === null,
    },
    azureConnectionString: values[SETTINGS.azureStorageConnectionString] ?? null,
    azureManagedIdentity: managedIdentityOf(values),
  };
}

function managedIdentityOf(values: z.infer<typeof StoreEnvSchema>): ManagedIdentityEndpoint | null {
  const endpoint = values[SETTINGS.identityEndpoint];
  const header = values[SETTINGS.identityHeader];
  if (!endpoint || !header || values[SETTINGS.identityServerThumbprint]) return null;
  return { endpoint, header, clientId: values[SETTINGS.azureClientId] ?? null };
}
