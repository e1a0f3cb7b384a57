import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { openDeadLetterStore, openObjectStore } from '../../shared/store/open-store.ts';

describe('openObjectStore', () => {
  it.each(['file:///var/lib/kaudit', 's3://audit-lake/prod', 'azblob://auditlake/events/prod', 'https://auditlake.blob.core.windows.net/events/prod'])(
    'opens %s as a store under that URL',
    async (url) => {
      // Act: opening connects nowhere yet, and a connection string is not needed to open a Blob store.
      const store = await openObjectStore(url, configFromEnv({}));

      // Assess
      expect(store.url).toBe(url);
    },
  );

  it('refuses a URL of no store kind, naming the kinds it knows', async () => {
    // Act
    const opening = openObjectStore('ftp://lake/prod', configFromEnv({}));

    // Assess
    await expect(opening).rejects.toThrow('invalid store URL "ftp://lake/prod": expected file://PATH, s3://BUCKET/PREFIX, azblob://');
  });

  it('refuses a connection string for another storage account than the URL names', async () => {
    // Prepare
    const env = { AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=otheraccount;AccountKey=a2V5;EndpointSuffix=core.windows.net' };

    // Act
    const opening = openObjectStore('azblob://auditlake/events', configFromEnv(env));

    // Assess
    await expect(opening).rejects.toThrow('AZURE_STORAGE_CONNECTION_STRING is for account "otheraccount", not "auditlake"');
  });
});

describe('openDeadLetterStore', () => {
  it('has no store when KAUDIT_DEADLETTER_URL is unset', async () => {
    // Act
    const store = await openDeadLetterStore(configFromEnv({ KAUDIT_STORE_URL: 's3://audit-lake/prod' }));

    // Assess
    expect(store).toBeNull();
  });

  it.each(['file:///var/lib/kaudit-dead-letters', 's3://audit-dead-letters/eks', 'azblob://auditlake/dead-letters/aks'])(
    'opens the store KAUDIT_DEADLETTER_URL=%s names',
    async (url) => {
      // Act
      const store = await openDeadLetterStore(configFromEnv({ KAUDIT_DEADLETTER_URL: url }));

      // Assess
      expect(store?.url).toBe(url);
    },
  );
});
