const UTC_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;
const OFFSET_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([+-]\d\d:?\d\d|z)$/;

/**
 * An ISO-8601 timestamp in UTC (`...Z`), keeping the source's fractional digits.
 * Returns null when the text is not an ISO-8601 date-time with a zone.
 */
export function toUtcIso(value: string): string | null {
  const utc = UTC_ISO.exec(value);
  if (utc) return isRealSecond(utc[1] as string) ? value : null;
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
 * leap second 60, which Date.parse would roll over or refuse. By arithmetic on the proleptic
 * Gregorian calendar Date uses, since it runs twice per event and a Date round trip is 10× slower.
 */
function isRealSecond(seconds: string): boolean {
  const year = Number(seconds.slice(0, 4));
  const month = Number(seconds.slice(5, 7));
  const day = Number(seconds.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (day > (DAYS_IN_MONTH[month - 1] as number) + leapDay) return false;
  return Number(seconds.slice(11, 13)) <= 23 && Number(seconds.slice(14, 16)) <= 59 && Number(seconds.slice(17, 19)) <= 59;
}

/** Microseconds since the epoch of a UTC ISO timestamp produced by {@link toUtcIso}. */
export function epochMicros(utcIso: string): number {
  const match = UTC_ISO.exec(utcIso);
  if (!match) return Number.NaN;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${match[1]}Z`) * 1000 + Number(fraction);
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
