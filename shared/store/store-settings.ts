import { awsRegionOf } from '../config/config-views.ts';
import type { KauditConfig } from '../config/settings-schema.ts';
import type { ManagedIdentityEndpoint } from './app-service-managed-identity.ts';

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

/** The store settings of a configuration. */
export function storeSettingsOf(config: KauditConfig): StoreSettings {
  const endpoint = config.awsEndpointUrlS3 ?? config.awsEndpointUrl;
  return {
    maxAttempts: config.storeMaxAttempts,
    attemptTimeoutMs: config.storeTimeoutMs,
    s3: {
      region: awsRegionOf(config),
      endpoint,
      forcePathStyle: config.s3ForcePathStyle,
      sseKmsKeyId: config.s3SseKmsKeyId,
      // S3 has honoured conditional writes since 2024; S3-compatible stores may not (s3rver, older MinIO and Ceph).
      conditionalWrites: config.s3ConditionalWrites ?? endpoint === null,
    },
    azureConnectionString: config.azureStorageConnectionString,
    azureManagedIdentity: managedIdentityOf(config),
  };
}

function managedIdentityOf(config: KauditConfig): ManagedIdentityEndpoint | null {
  const { identityEndpoint: endpoint, identityHeader: header } = config;
  if (!endpoint || !header || config.identityServerThumbprint) return null;
  return { endpoint, header, clientId: config.azureClientId };
}
