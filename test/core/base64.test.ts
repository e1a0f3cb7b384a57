import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Bytes } from '../../shared/core/base64.ts';

/** The rule the decoders have always applied: base64 characters, at most two "=" at the end, a length that is not 1 mod 4. */
function isBase64ByPattern(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 !== 1;
}

describe('base64Bytes', () => {
  it('decodes canonical base64, as AWS sends it', () => {
    // Prepare
    const bytes = Buffer.from('kaudit \u00e9v\u00e9nements');

    // Act
    const decoded = base64Bytes(bytes.toString('base64'));

    // Assess
    expect(decoded?.equals(bytes)).toBe(true);
  });

  it('accepts and refuses exactly what the pattern does, ignoring whitespace', () => {
    const text = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64').replace(/=+$/, '')),
      fc.string({ unit: fc.constantFrom(...'AQZaz09+/=-_ \n!'.split('')), maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (candidate) => {
        const decoded = base64Bytes(candidate);
        expect(decoded !== null).toBe(isBase64ByPattern(candidate));
        if (decoded) expect(decoded.equals(Buffer.from(candidate.replace(/\s+/g, ''), 'base64'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
