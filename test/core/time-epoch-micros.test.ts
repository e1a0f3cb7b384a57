import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationMs, epochMicros } from '../../shared/core/time.ts';

/** The definition: Date's milliseconds of the second, and the fraction's first six digits. */
function microsPerDate(seconds: string, fraction: string): number {
  return Date.parse(`${seconds}Z`) * 1000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
/**
 * Real seconds (day ≤ 28 keeps every one real), with 0 to 9 fraction digits, from year 0 to 2200:
 * past about 2255 microseconds since the epoch exceed 2^53, and no two computations agree exactly.
 */
const timestamp = fc
  .record({
    year: fc.integer({ min: 0, max: 2200 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.stringMatching(/^\d{0,9}$/),
  })
  .map(({ year, month, day, hour, minute, second, fraction }) => ({
    seconds: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`,
    fraction,
  }));

describe('epochMicros: microseconds of a UTC ISO timestamp', () => {
  it('agrees with Date for every real second of years 0 to 2200, at every fraction length', () => {
    fc.assert(
      fc.property(timestamp, ({ seconds, fraction }) => {
        const text = fraction === '' ? `${seconds}Z` : `${seconds}.${fraction}Z`;
        expect(epochMicros(text)).toBe(microsPerDate(seconds, fraction));
      }),
      { numRuns: 5000 },
    );
  });

  it('knows leap days, month ends and the years before 1970', () => {
    for (const text of ['2024-02-29T23:59:59.999999Z', '2000-02-29T00:00:00Z', '1969-12-31T23:59:59.5Z', '0000-03-01T00:00:00Z', '2026-12-31T12:00:00.000001Z']) {
      const [seconds, fraction = ''] = text.slice(0, -1).split('.') as [string, string?];
      expect(epochMicros(text)).toBe(microsPerDate(seconds, fraction));
    }
  });

  it.each([
    ['no zone', '2026-11-20T14:03:07.123456'],
    ['a lower-case zone', '2026-11-20T14:03:07z'],
    ['an offset', '2026-11-20T14:03:07+01:00'],
    ['ten fraction digits', '2026-11-20T14:03:07.1234567890Z'],
    ['an empty fraction', '2026-11-20T14:03:07.Z'],
    ['a letter for a digit', '2026-1l-20T14:03:07Z'],
    ['a space for the T', '2026-11-20 14:03:07Z'],
    ['February 30', '2026-02-30T00:00:00Z'],
    ['hour 24', '2026-11-20T24:00:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['a short year', '226-11-20T14:03:07Z'],
  ])('is NaN for %s', (_name, text) => {
    expect(epochMicros(text)).toBeNaN();
  });

  it('gives durations with microsecond precision, across midnight', () => {
    expect(durationMs('2026-11-20T23:59:59.999900Z', '2026-11-21T00:00:00.000150Z')).toBe(0.25);
  });
});
