import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toUtcIso } from '../../shared/core/time.ts';

/** The definition: the second exists when Date reads it back as written. */
function existsPerDate(seconds: string): boolean {
  const epochMs = Date.parse(`${seconds}Z`);
  return !Number.isNaN(epochMs) && new Date(epochMs).toISOString().startsWith(seconds);
}

const two = (max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(2, '0'));
const seconds = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((year) => String(year).padStart(4, '0')),
    two(13),
    two(32),
    two(25),
    two(61),
    two(61),
  )
  .map(([year, month, day, hour, minute, second]) => `${year}-${month}-${day}T${hour}:${minute}:${second}`);

describe('toUtcIso: a timestamp must name a real second', () => {
  it('accepts exactly the seconds Date reads back unchanged', () => {
    fc.assert(
      fc.property(seconds, (text) => {
        expect(toUtcIso(`${text}.5Z`) !== null).toBe(existsPerDate(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('knows the leap years of the proleptic Gregorian calendar', () => {
    for (const year of ['0000', '1900', '2000', '2024', '2026', '2100', '2400']) {
      expect(toUtcIso(`${year}-02-29T00:00:00Z`) !== null).toBe(existsPerDate(`${year}-02-29T00:00:00`));
    }
  });
});
