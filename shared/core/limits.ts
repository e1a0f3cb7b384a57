/**
 * Limits that bound memory and time on hostile input. Defaults sit a few times above the largest
 * payload the platforms themselves deliver, so they never bite on real traffic but stop a crafted
 * payload before it can exhaust a function's memory; each is a setting (shared/config/settings-schema.ts).
 * Whatever a limit stops is quarantined with reason `limit_exceeded` and a detail naming the limit.
 */
export interface Limits {
  /**
   * Largest decompressed (or received) payload: KAUDIT_MAX_DECODED_BYTES, default 64 MiB.
   * A Lambda async invocation carries at most 1 MB of base64 gzip (a few MB of JSON once inflated);
   * an Event Hubs message is at most 1 MB (Standard, Premium). Bounds a decompression bomb.
   */
  maxDecodedBytes: number;
  /**
   * Largest single audit event text: KAUDIT_MAX_EVENT_BYTES, default 4 MiB. CloudWatch Logs takes
   * events of at most 256 KB (EKS cuts longer ones), an Event Hubs message is at most 1 MB, and the
   * API server's truncating backends default to 100 KiB; only untruncated self-managed logs go beyond.
   */
  maxEventBytes: number;
  /**
   * Most records in one batch: KAUDIT_MAX_RECORDS_PER_BATCH, default 100,000. A CloudWatch batch
   * holds at most 10,000 log events, an Event Hubs message what fits in 1 MB, a webhook EventList 400
   * by default. Bounds the quarantine records a batch of tiny junk records could amplify into.
   */
  maxRecordsPerBatch: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDecodedBytes: 64 * 1024 * 1024,
  maxEventBytes: 4 * 1024 * 1024,
  maxRecordsPerBatch: 100_000,
};

/**
 * Deepest JSON nesting an audit event may have. Not configurable: past a few thousand levels
 * `JSON.stringify` overflows the stack, so an event nested that deep could never be stored. Real
 * Kubernetes objects stay under a hundred levels.
 */
export const MAX_JSON_DEPTH = 1000;
