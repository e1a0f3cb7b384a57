import type { PipelineOptions } from '../pipeline/ingest-batch.ts';
import { buildPipelineOptions, pipelineConfigFromEnv } from '../pipeline/pipeline-options.ts';
import type { LakeEventStore } from '../store/event-store.ts';
import { resolveFileStoreUrl } from '../store/file-object-store.ts';
import { openEventStore, resolveStoreUrl } from '../store/open-store.ts';
import type { CliIo } from './cli-io.ts';

/**
 * The store a command writes to: `--store`, else $KAUDIT_STORE_URL, else ./kaudit-data; a
 * relative file:// path is taken from the command's working directory.
 */
export function openCliEventStore(explicit: string | undefined, io: CliIo): Promise<LakeEventStore> {
  return openEventStore(resolveFileStoreUrl(resolveStoreUrl(explicit, io.env), io.cwd), io.env);
}

/**
 * The pipeline of a command that stores events, configured as `kaudit ingest` is: `--policy`,
 * `--rules` (else KAUDIT_RULES), and redaction from the environment.
 */
export function cliPipelineOptions(policy: string | undefined, io: CliIo, rulePaths: readonly string[] = []): Promise<PipelineOptions> {
  return buildPipelineOptions({ ...pipelineConfigFromEnv(io.env), policy: policy ?? null, rulePaths, baseDir: io.cwd });
}
