import { LakeEventStore } from './event-store.ts';
import { FileObjectStore } from './file-object-store.ts';
import type { ObjectStore } from './object-store.ts';

export const DEFAULT_STORE_URL = 'file://./kaudit-data';

/** The store URL in force: an explicit one, else `KAUDIT_STORE_URL`, else the embedded default. */
export function resolveStoreUrl(explicit?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  return explicit || env.KAUDIT_STORE_URL || DEFAULT_STORE_URL;
}

/** The object store behind a store URL (SPEC §5). */
export async function openObjectStore(url: string): Promise<ObjectStore> {
  if (url.startsWith('file://')) return new FileObjectStore(url);
  throw new Error(`unsupported store URL ${JSON.stringify(url)}: expected file://PATH`);
}

export async function openEventStore(url: string): Promise<LakeEventStore> {
  return new LakeEventStore(await openObjectStore(url));
}
