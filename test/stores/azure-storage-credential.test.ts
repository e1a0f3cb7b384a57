/** The choice of the Blob store's credential: the host's managed identity endpoint, or DefaultAzureCredential. */
import { DefaultAzureCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { AppServiceManagedIdentityCredential } from '../../shared/store/app-service-managed-identity.ts';
import { azureStorageCredential } from '../../shared/store/blob-object-store.ts';
import { storeSettingsOf } from '../../shared/store/store-settings.ts';

describe('azureStorageCredential', () => {
  const hostIdentity = { IDENTITY_ENDPOINT: 'http://127.0.0.1:41741/msi/token/', IDENTITY_HEADER: 'identity-header-7f3a9c' };

  it('takes the host’s managed identity endpoint when IDENTITY_ENDPOINT and IDENTITY_HEADER are both set', async () => {
    // Act
    const credential = await azureStorageCredential(storeSettingsOf(configFromEnv(hostIdentity)));

    // Assess
    expect(credential).toBeInstanceOf(AppServiceManagedIdentityCredential);
  });

  it.each([
    ['neither is set', {}],
    ['only IDENTITY_ENDPOINT is set', { IDENTITY_ENDPOINT: hostIdentity.IDENTITY_ENDPOINT }],
    ['only IDENTITY_HEADER is set', { IDENTITY_HEADER: hostIdentity.IDENTITY_HEADER }],
    ['Service Fabric’s IDENTITY_SERVER_THUMBPRINT is set too', { ...hostIdentity, IDENTITY_SERVER_THUMBPRINT: '0123456789ABCDEF' }],
  ])('takes DefaultAzureCredential when %s', async (_, env) => {
    // Act
    const credential = await azureStorageCredential(storeSettingsOf(configFromEnv(env)));

    // Assess
    expect(credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it('says what to set when it needs @azure/identity and the bundle does not carry it', async () => {
    // Prepare: what the Functions bundle's dynamic import of the left-out package throws.
    const missing = Object.assign(new Error("Cannot find package '@azure/identity' imported from /home/site/wwwroot/index.mjs"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });

    // Act
    const choosing = azureStorageCredential(storeSettingsOf(configFromEnv({})), () => Promise.reject(missing));

    // Assess
    await expect(choosing).rejects.toThrow(
      "Blob storage needs a credential, and this bundle does not carry @azure/identity: enable the function app's managed identity (the host then sets IDENTITY_ENDPOINT and IDENTITY_HEADER), or set AZURE_STORAGE_CONNECTION_STRING",
    );
  });
});
