import * as z from 'zod';

/** Event times from `since` (inclusive) to `until` (exclusive); null leaves that end open. */
export interface TimeRange {
  since: Date | null;
  until: Date | null;
}

export const ALL_TIME: TimeRange = { since: null, until: null };

const ISO_DATE = z.iso.date();
const ISO_DATETIME_WITH_ZONE = z.iso.datetime({ offset: true });
const ISO_DATETIME_LOCAL = z.iso.datetime({ local: true });
const AGO = /^(\d+)([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * A point in time as a user writes it: ISO-8601 (`2026-11-20T14:00:00Z`, `2026-11-20`) or a
 * duration before `now` (`90m`, `24h`, `7d`, `2w`). The lake is partitioned in UTC, so a time
 * without a zone is UTC, not the machine's local time.
 */
export function parseTimeBound(text: string, now: Date): Date {
  if (ISO_DATE.safeParse(text).success) return new Date(`${text}T00:00:00Z`);
  if (ISO_DATETIME_WITH_ZONE.safeParse(text).success) return new Date(text);
  if (ISO_DATETIME_LOCAL.safeParse(text).success) return new Date(`${text}Z`);
  const ago = AGO.exec(text);
  if (ago) return new Date(now.getTime() - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]);
  throw new Error(`${JSON.stringify(text)} is not a time: expected ISO-8601 (2026-11-20T14:00:00Z, 2026-11-20) or a duration ago (90m, 24h, 7d, 2w)`);
}

export function parseTimeRange(bounds: { since?: string | undefined; until?: string | undefined }, now: Date): TimeRange {
  const since = bounds.since === undefined ? null : parseTimeBound(bounds.since, now);
  const until = bounds.until === undefined ? null : parseTimeBound(bounds.until, now);
  if (since && until && since >= until) throw new Error(`since ${since.toISOString()} is not before until ${until.toISOString()}`);
  return { since, until };
}

/** Whether the hour partition `dt=DT/hour=HOUR` holds any time of the range. */
export function partitionOverlaps(range: TimeRange, partition: { dt: string; hour: string }): boolean {
  const start = Date.parse(`${partition.dt}T${partition.hour}:00:00Z`);
  return (range.since === null || start + HOUR_MS > range.since.getTime()) && (range.until === null || start < range.until.getTime());
}

/**
 * The `dt` partitions a range can touch, so a store is listed day by day instead of whole; null
 * when the range has no start. An open end runs to a day past `now`, for clocks running ahead.
 */
export function daysOf(range: TimeRange, now: Date): string[] | null {
  if (range.since === null) return null;
  const last = range.until ? range.until.getTime() - 1 : now.getTime() + DAY_MS;
  const days: string[] = [];
  for (let day = Math.floor(range.since.getTime() / DAY_MS) * DAY_MS; day <= last; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}
