/** A detection window as SQL over the views' text `time` column. */
import type { TimeRange } from '../query/time-range.ts';

/** `ts` (the event time as a TIMESTAMP) inside the window: a condition, `true` when the window is open at both ends. */
export function inWindow(window: TimeRange, ts = 'TRY_CAST(time AS TIMESTAMP)'): string {
  const conditions: string[] = [];
  if (window.since) conditions.push(`${ts} >= ${timestampSql(window.since)}`);
  if (window.until) conditions.push(`${ts} < ${timestampSql(window.until)}`);
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}

/** A TIMESTAMP literal of a UTC time. */
export function timestampSql(time: Date): string {
  return `TIMESTAMP '${time.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** A positive whole number for interpolation into SQL: parameters come from flags, and a bad one must fail before any SQL runs. */
export function wholeNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a whole number of at least 1, got ${value}`);
  return value;
}
