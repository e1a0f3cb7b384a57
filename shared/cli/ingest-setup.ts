import { storeUrlOf } from '../config/config-views.ts';
import type { KauditConfig } from '../config/settings-schema.ts';
import { messageOf } from '../core/errors.ts';
import type { PipelineOptions } from '../pipeline/ingest-batch.ts';
import { buildPipelineOptions, pipelineConfigOf } from '../pipeline/pipeline-options.ts';
import type { LakeEventStore } from '../store/event-store.ts';
import { resolveFileStoreUrl } from '../store/file-object-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { openEventStore, openObjectStore } from '../store/open-store.ts';
import { type CliIo, UsageError } from './cli-io.ts';

/**
 * The store a command uses: `--store`, else $KAUDIT_STORE_URL, else ./kaudit-data; a relative
 * file:// path is taken from the command's working directory. A URL that names no store is a
 * usage error.
 */
export function openCliObjectStore(config: KauditConfig, io: CliIo): Promise<ObjectStore> {
  return asUsageError(openObjectStore(resolveFileStoreUrl(storeUrlOf(config), io.cwd), config));
}

export function openCliEventStore(config: KauditConfig, io: CliIo): Promise<LakeEventStore> {
  return asUsageError(openEventStore(resolveFileStoreUrl(storeUrlOf(config), io.cwd), config));
}

/**
 * The pipeline of a command that stores events: the policy, redaction and detection settings, paths
 * from the working directory. `rulePaths` (`kaudit ingest --rules`) are evaluated instead of KAUDIT_RULES.
 */
export function cliPipelineOptions(config: KauditConfig, io: CliIo, rulePaths: readonly string[] = []): Promise<PipelineOptions> {
  return asUsageError(buildPipelineOptions({ ...pipelineConfigOf(config, io.cwd), rulePaths }));
}

/** Setting up runs before anything is read or stored: what fails there is how kaudit was called. */
function asUsageError<T>(setup: Promise<T>): Promise<T> {
  return setup.catch((error: unknown) => {
    throw new UsageError(messageOf(error));
  });
}
