import { configFromEnv } from '../config/read-config.ts';
import type { KauditConfig } from '../config/settings-schema.ts';
import { LakeEventStore } from './event-store.ts';
import { FileObjectStore } from './file-object-store.ts';
import type { ObjectStore } from './object-store.ts';
import { storeSettingsOf } from './store-settings.ts';
import { parseStoreUrl } from './store-url.ts';

/**
 * The object store behind a store URL (docs/contracts.md#store-urls), configured by `config`. The
 * cloud stores' modules are loaded only for their own kind, so a function cold start pays for one
 * of them at most. Without a configuration, the defaults: enough for a file store.
 */
export async function openObjectStore(url: string, config: KauditConfig = configFromEnv({})): Promise<ObjectStore> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'file':
      return new FileObjectStore(url);
    case 's3': {
      const { S3ObjectStore } = await import('./s3-object-store.ts');
      return new S3ObjectStore(location, storeSettingsOf(config));
    }
    case 'azblob': {
      const { BlobObjectStore, blobClientFor } = await import('./blob-object-store.ts');
      return new BlobObjectStore(location, await blobClientFor(location, storeSettingsOf(config)));
    }
  }
}

export async function openEventStore(url: string, config: KauditConfig = configFromEnv({})): Promise<LakeEventStore> {
  return new LakeEventStore(await openObjectStore(url, config));
}

/** Where batches that cannot be stored go (`KAUDIT_DEADLETTER_URL`, any store kind), or null when unset. */
export async function openDeadLetterStore(config: KauditConfig): Promise<ObjectStore | null> {
  return config.deadLetterUrl ? openObjectStore(config.deadLetterUrl, config) : null;
}
