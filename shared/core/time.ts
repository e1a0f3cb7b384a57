const OFFSET_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([+-]\d\d:?\d\d|z)$/;

/**
 * An ISO-8601 timestamp in UTC (`...Z`), keeping the source's fractional digits.
 * Returns null when the text is not an ISO-8601 date-time with a zone.
 */
export function toUtcIso(value: string): string | null {
  if (value.endsWith('Z')) return Number.isNaN(epochMicros(value)) ? null : value;
  const match = OFFSET_ISO.exec(value);
  if (!match) return null;
  const [, seconds, fraction, zone] = match as unknown as [string, string, string | undefined, string];
  if (!isRealSecond(seconds)) return null;
  const base = isoFromEpochMs(Date.parse(`${seconds}${zone === 'z' ? 'Z' : zone}`))?.slice(0, 19);
  if (!base) return null;
  return fraction ? `${base}.${fraction}Z` : `${base}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether `YYYY-MM-DDTHH:MM:SS` (all digits) is a second that exists: no February 30, hour 24 or
 * leap second 60, which Date.parse would roll over or refuse.
 */
function isRealSecond(seconds: string): boolean {
  return isRealDate(
    Number(seconds.slice(0, 4)),
    Number(seconds.slice(5, 7)),
    Number(seconds.slice(8, 10)),
    Number(seconds.slice(11, 13)),
    Number(seconds.slice(14, 16)),
    Number(seconds.slice(17, 19)),
  );
}

/** By arithmetic on the proleptic Gregorian calendar Date uses: a Date round trip is much slower (docs/performance.md#code-choices). */
function isRealDate(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (!(day <= (DAYS_IN_MONTH[month - 1] as number) + leapDay)) return false;
  // Comparisons with NaN are false: a field that was not digits fails here.
  return year >= 0 && hour <= 23 && minute <= 59 && second <= 59;
}

/** Where each field of `YYYY-MM-DDTHH:MM:SS` starts, and the separators between them. */
const SEPARATORS: readonly [number, string][] = [
  [4, '-'],
  [7, '-'],
  [10, 'T'],
  [13, ':'],
  [16, ':'],
];
const FRACTION_START = 20;
const MAX_FRACTION_DIGITS = 9;

/**
 * Microseconds since the epoch of a UTC ISO timestamp, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, or NaN
 * when the text is not one or names a second that does not exist (see {@link isRealSecond}). Read
 * by position rather than by pattern and Date.parse: it runs three times per event.
 */
export function epochMicros(utcIso: string): number {
  const end = utcIso.length - 1;
  if (end < 19 || utcIso.charCodeAt(end) !== 0x5a /* Z */) return Number.NaN;
  for (const [at, separator] of SEPARATORS) if (utcIso[at] !== separator) return Number.NaN;
  const year = digitsAt(utcIso, 0, 4);
  const month = digitsAt(utcIso, 5, 2);
  const day = digitsAt(utcIso, 8, 2);
  const hour = digitsAt(utcIso, 11, 2);
  const minute = digitsAt(utcIso, 14, 2);
  const second = digitsAt(utcIso, 17, 2);
  let micros = 0;
  if (end > 19) {
    const fractionDigits = end - FRACTION_START;
    if (utcIso[19] !== '.' || fractionDigits < 1 || fractionDigits > MAX_FRACTION_DIGITS) return Number.NaN;
    const fraction = digitsAt(utcIso, FRACTION_START, fractionDigits);
    // Microseconds: the first six digits, as many as there are.
    micros = fractionDigits >= 6 ? Math.trunc(fraction / 10 ** (fractionDigits - 6)) : fraction * 10 ** (6 - fractionDigits);
  }
  if (!isRealDate(year, month, day, hour, minute, second) || Number.isNaN(micros)) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros;
}

/** The number written by `count` decimal digits at `start`, or NaN if any is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Milliseconds from `start` to `end` (both UTC ISO), with microsecond precision. */
export function durationMs(start: string, end: string): number | null {
  const micros = epochMicros(end) - epochMicros(start);
  return Number.isFinite(micros) ? micros / 1000 : null;
}

/** ISO timestamp for an epoch-milliseconds number (CloudWatch) or a Date. */
export function isoFromEpochMs(epochMs: number): string | null {
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  // Years outside 0000-9999 print as ±YYYYYY, which would make a nonsense dt= partition.
  return /^\d{4}-/.test(iso) ? iso : null;
}
