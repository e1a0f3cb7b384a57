import { resolveFileStoreUrl } from '../store/file-object-store.ts';
import type { LakeEventStore } from '../store/event-store.ts';
import { openEventStore, resolveStoreUrl } from '../store/open-store.ts';
import type { CliIo } from './cli-io.ts';

/**
 * The store a command writes to: `--store`, else $KAUDIT_STORE_URL, else ./kaudit-data; a
 * relative file:// path is taken from the command's working directory.
 */
export function openCliEventStore(explicit: string | undefined, io: CliIo): Promise<LakeEventStore> {
  return openEventStore(resolveFileStoreUrl(resolveStoreUrl(explicit, io.env), io.cwd), io.env);
}
