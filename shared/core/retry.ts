/** How patiently a backfill retries a throttled call; `sleep` is injectable so tests don't wait. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Told before each wait, for the progress output. */
  onRetry?: (attempt: number, delayMs: number, error: Error) => void;
}

export const DEFAULT_RETRY: RetryPolicy = {
  // FilterLogEvents allows a few calls a second per account and region: a long backfill shares it
  // with everything else, so it waits out throttling for minutes rather than giving up.
  maxAttempts: 12,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `operation`, retrying throttling errors with exponential backoff and full jitter. The SDK
 * retries transient errors a few times itself; this adds patience for throttling, which a long
 * backfill meets by design. Any other error, and the last throttling error, propagate.
 */
export async function withThrottlingRetry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isThrottling(error) || attempt >= policy.maxAttempts) throw error;
      const delayMs = Math.round(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      policy.onRetry?.(attempt, delayMs, error as Error);
      await policy.sleep(delayMs);
    }
  }
}

/** AWS's throttling errors, by name or by the SDK's own retry classification. */
function isThrottling(error: unknown): boolean {
  const fields = error as { name?: unknown; $retryable?: { throttling?: boolean } } | null;
  return (
    fields?.$retryable?.throttling === true || fields?.name === 'ThrottlingException' || fields?.name === 'TooManyRequestsException' || fields?.name === 'RequestLimitExceeded'
  );
}
