import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../../shared/sources/webhook/node-server.ts';

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.20.30', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
  ])('%s: %s', (address, loopback) => {
    // Act
    const result = isLoopbackAddress(address);

    // Assess
    expect(result).toBe(loopback);
  });
});
