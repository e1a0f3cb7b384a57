/**
 * Limits that bound memory and time on hostile input. Defaults fit the platforms' own limits;
 * each can be changed by an environment variable.
 */
export interface Limits {
  /** Largest decompressed payload (CloudWatch delivers at most ~1 MB of messages per batch). */
  maxDecodedBytes: number;
  /** Largest single audit event text (CloudWatch: 256 KiB; Event Hubs message: 1 MiB). */
  maxEventBytes: number;
  /** Most records in one batch (CloudWatch: 10,000 log events). */
  maxRecordsPerBatch: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDecodedBytes: 64 * 1024 * 1024,
  maxEventBytes: 4 * 1024 * 1024,
  maxRecordsPerBatch: 100_000,
};

const ENV_NAMES: Record<keyof Limits, string> = {
  maxDecodedBytes: 'KAUDIT_MAX_DECODED_BYTES',
  maxEventBytes: 'KAUDIT_MAX_EVENT_BYTES',
  maxRecordsPerBatch: 'KAUDIT_MAX_RECORDS_PER_BATCH',
};

/** Limits from the environment; a value that is not a positive integer is a configuration error. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(ENV_NAMES) as (keyof Limits)[]) {
    const name = ENV_NAMES[key];
    const text = env[name];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
    limits[key] = value;
  }
  return limits;
}
