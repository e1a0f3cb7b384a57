/** Compressed data inflated as far as it goes: what quarantine keeps instead of bytes that still hold the text. */
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflatePartially } from '../../shared/core/compression.ts';
import { auditEvent, cloudWatchPayload } from '../helpers/audit-events.ts';

const TEXT = JSON.stringify(cloudWatchPayload({ events: Array.from({ length: 40 }, (_, index) => auditEvent({ auditID: `event-${index}` })) }));

describe('inflatePartially', () => {
  it.each([
    ['gzip', gzipSync(TEXT)],
    ['zlib', deflateSync(TEXT)],
  ])('inflates sound %s data whole', (_name, data) => {
    // Act
    const inflated = inflatePartially(data, 1024 * 1024);

    // Assess
    expect(inflated.toString('utf8')).toBe(TEXT);
  });

  it.each([
    ['cut short', (data: Buffer) => data.subarray(0, Math.floor(data.length / 2))],
    ['with garbage in the middle', (data: Buffer) => Buffer.concat([data.subarray(0, 600), Buffer.alloc(32, 0xff), data.subarray(632)])],
    ['with a checksum that does not match', (data: Buffer) => Buffer.concat([data.subarray(0, -8), Buffer.from([0, 0, 0, 0]), data.subarray(-4)])],
  ])('inflates gzip data %s up to the point where it breaks', (_name, damage) => {
    // Prepare
    const data = damage(gzipSync(TEXT));

    // Act
    const inflated = inflatePartially(data, 1024 * 1024).toString('utf8');

    // Assess
    expect(inflated.length).toBeGreaterThan(0);
    expect(TEXT.startsWith(inflated)).toBe(true);
  });

  it('stops at the byte limit', () => {
    // Act
    const inflated = inflatePartially(gzipSync(TEXT), 1000);

    // Assess
    expect(inflated.length).toBeLessThanOrEqual(1000);
    expect(inflated.length).toBeGreaterThan(900);
    expect(TEXT.startsWith(inflated.toString('utf8'))).toBe(true);
  });

  it('gives nothing for data that is not compressed', () => {
    // Act
    const inflated = inflatePartially(Buffer.from(TEXT), 1024 * 1024);

    // Assess
    expect(inflated.length).toBe(0);
  });
});
