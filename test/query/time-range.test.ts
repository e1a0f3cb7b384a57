import { describe, expect, it } from 'vitest';
import { daysOf, parseTimeBound, parseTimeRange, partitionOverlaps } from '../../shared/query/time-range.ts';

const NOW = new Date('2026-11-20T14:30:00.000Z');

describe('parseTimeBound', () => {
  it.each([
    ['2026-11-19T08:15:00Z', '2026-11-19T08:15:00.000Z'],
    ['2026-11-19T10:15:00.5+02:00', '2026-11-19T08:15:00.500Z'],
    ['2026-11-19T08:15:00', '2026-11-19T08:15:00.000Z'],
    ['2026-11-19', '2026-11-19T00:00:00.000Z'],
    ['90m', '2026-11-20T13:00:00.000Z'],
    ['24h', '2026-11-19T14:30:00.000Z'],
    ['7d', '2026-11-13T14:30:00.000Z'],
    ['2w', '2026-11-06T14:30:00.000Z'],
  ])('reads %s as %s (a time without a zone is UTC, a duration is before now)', (text, expected) => {
    // Act
    const time = parseTimeBound(text, NOW);

    // Assess
    expect(time.toISOString()).toBe(expected);
  });

  it.each(['yesterday', '24', '2026-13-01', 'Nov 20 2026'])('refuses %s, showing the forms it reads', (text) => {
    // Act
    const parse = () => parseTimeBound(text, NOW);

    // Assess
    expect(parse).toThrow(/expected ISO-8601 .* or a duration ago \(90m, 24h, 7d, 2w\)/);
  });
});

describe('parseTimeRange', () => {
  it('leaves an end open when it is not given', () => {
    // Act
    const range = parseTimeRange({ since: '24h' }, NOW);

    // Assess
    expect(range).toEqual({ since: new Date('2026-11-19T14:30:00.000Z'), until: null });
  });

  it('refuses a range that ends before it starts', () => {
    // Act
    const parse = () => parseTimeRange({ since: '1h', until: '2h' }, NOW);

    // Assess
    expect(parse).toThrow('since 2026-11-20T13:30:00.000Z is not before until 2026-11-20T12:30:00.000Z');
  });
});

describe('partitionOverlaps', () => {
  const range = { since: new Date('2026-11-20T10:30:00Z'), until: new Date('2026-11-20T13:00:00Z') };

  it.each([
    ['09', false],
    ['10', true],
    ['12', true],
    ['13', false],
  ])('tells whether hour %s of the day holds a time of [10:30, 13:00)', (hour, expected) => {
    // Act
    const overlaps = partitionOverlaps(range, { dt: '2026-11-20', hour });

    // Assess
    expect(overlaps).toBe(expected);
  });

  it('takes every partition into a range open at both ends', () => {
    // Act
    const overlaps = partitionOverlaps({ since: null, until: null }, { dt: '1999-01-01', hour: '00' });

    // Assess
    expect(overlaps).toBe(true);
  });
});

describe('daysOf', () => {
  it('lists the days from the start to the day of the last instant before the end', () => {
    // Act
    const days = daysOf({ since: new Date('2026-11-18T23:00:00Z'), until: new Date('2026-11-20T00:00:00Z') }, NOW);

    // Assess
    expect(days).toEqual(['2026-11-18', '2026-11-19']);
  });

  it('runs an open end to the day after now, for events from clocks running ahead', () => {
    // Act
    const days = daysOf({ since: new Date('2026-11-20T01:00:00Z'), until: null }, NOW);

    // Assess
    expect(days).toEqual(['2026-11-20', '2026-11-21']);
  });

  it('has no days to list for a range without a start: the whole store is listed', () => {
    // Act
    const days = daysOf({ since: null, until: NOW }, NOW);

    // Assess
    expect(days).toBeNull();
  });
});
