import type { Limits } from '../core/limits.ts';
import { DEFAULT_STORE_URL, type KauditConfig } from './settings-schema.ts';

/** The AWS region in force: `AWS_REGION` (or `--region`), else `AWS_DEFAULT_REGION`, else none. */
export function awsRegionOf(config: KauditConfig): string | null {
  return config.awsRegion ?? config.awsDefaultRegion;
}

/** The store the commands use: `--store`, else `KAUDIT_STORE_URL`, else the embedded default. */
export function storeUrlOf(config: KauditConfig): string {
  return config.storeUrl ?? DEFAULT_STORE_URL;
}

/** The limits on hostile input. */
export function limitsOf(config: KauditConfig): Limits {
  return { maxDecodedBytes: config.maxDecodedBytes, maxEventBytes: config.maxEventBytes, maxRecordsPerBatch: config.maxRecordsPerBatch };
}
