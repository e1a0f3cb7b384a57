import { SETTINGS } from '../core/settings.ts';
import { LakeEventStore } from './event-store.ts';
import { FileObjectStore } from './file-object-store.ts';
import type { ObjectStore } from './object-store.ts';
import { storeSettingsFromEnv } from './store-settings.ts';
import { parseStoreUrl } from './store-url.ts';

const DEFAULT_STORE_URL = 'file://./kaudit-data';

/** The store URL in force: an explicit one, else `KAUDIT_STORE_URL`, else the embedded default. */
export function resolveStoreUrl(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.KAUDIT_STORE_URL || DEFAULT_STORE_URL;
}

/**
 * The object store behind a store URL (SPEC §5), configured from `env`. The cloud stores' modules
 * are loaded only for their own kind, so a function cold start pays for one of them at most.
 */
export async function openObjectStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<ObjectStore> {
  const location = parseStoreUrl(url);
  switch (location.kind) {
    case 'file':
      return new FileObjectStore(url);
    case 's3': {
      const { S3ObjectStore } = await import('./s3-object-store.ts');
      return new S3ObjectStore(location, storeSettingsFromEnv(env));
    }
    case 'azblob': {
      const { BlobObjectStore, blobClientFor } = await import('./blob-object-store.ts');
      return new BlobObjectStore(location, await blobClientFor(location, storeSettingsFromEnv(env)));
    }
  }
}

export async function openEventStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<LakeEventStore> {
  return new LakeEventStore(await openObjectStore(url, env));
}

/** Where batches that cannot be stored go (`KAUDIT_DEADLETTER_URL`, any store kind), or null when unset. */
export async function openDeadLetterStore(env: NodeJS.ProcessEnv = process.env): Promise<ObjectStore | null> {
  const url = env[SETTINGS.deadLetterUrl];
  return url ? openObjectStore(url, env) : null;
}
