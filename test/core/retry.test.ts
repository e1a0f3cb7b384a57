import { describe, expect, it } from 'vitest';
import { type RetryPolicy, withThrottlingRetry } from '../../shared/core/retry.ts';

function policy(sleeps: number[]): RetryPolicy {
  return { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, sleep: async (ms) => void sleeps.push(ms) };
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('withThrottlingRetry', () => {
  it('does not retry an error other than throttling', async () => {
    // Prepare
    const sleeps: number[] = [];
    let calls = 0;

    // Act
    const run = withThrottlingRetry(async () => {
      calls++;
      throw new Error('AccessDeniedException');
    }, policy(sleeps));

    // Assess
    await expect(run).rejects.toThrow('AccessDeniedException');
    expect(calls).toBe(1);
  });

  it('retries an error the SDK classifies as throttling', async () => {
    // Prepare
    const sleeps: number[] = [];
    let calls = 0;

    // Act
    const result = await withThrottlingRetry(async () => {
      if (++calls === 1) throw Object.assign(new Error('slow down'), { name: 'SlowDown', $retryable: { throttling: true } });
      return 'ok';
    }, policy(sleeps));

    // Assess
    expect(result).toBe('ok');
    expect(sleeps).toHaveLength(1);
  });

  it('waits no longer than the cap, and gives up after the last attempt', async () => {
    // Prepare
    const sleeps: number[] = [];

    // Act
    const run = withThrottlingRetry(async () => {
      throw throttled();
    }, policy(sleeps));

    // Assess
    await expect(run).rejects.toThrow('Rate exceeded');
    expect(sleeps).toHaveLength(3);
    expect(sleeps.every((ms) => ms >= 0 && ms <= 250)).toBe(true);
  });
});
