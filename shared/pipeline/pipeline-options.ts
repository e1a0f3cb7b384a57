import type { PipelineOptions } from './ingest-batch.ts';

/** How ingestion is configured, wherever it runs (functions read it from app settings, the CLI from flags). */
export interface PipelineConfig {
  /** An audit Policy: a file path or inline YAML. */
  policy?: string | null;
}

/** The pipeline's steps after normalization, built once from configuration. */
export function buildPipelineOptions(_config: PipelineConfig): PipelineOptions {
  return { transforms: [] };
}
