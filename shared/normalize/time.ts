const UTC_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;
const OFFSET_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([+-]\d\d:?\d\d|z)$/;

/**
 * An ISO-8601 timestamp in UTC (`...Z`), keeping the source's fractional digits.
 * Returns null when the text is not an ISO-8601 date-time with a zone.
 */
export function toUtcIso(value: string): string | null {
  if (UTC_ISO.test(value)) return value;
  const match = OFFSET_ISO.exec(value);
  if (!match) return null;
  const [, seconds, fraction, zone] = match;
  const epochMs = Date.parse(`${seconds}${zone === 'z' ? 'Z' : zone}`);
  if (Number.isNaN(epochMs)) return null;
  const base = new Date(epochMs).toISOString().slice(0, 19);
  return fraction ? `${base}.${fraction}Z` : `${base}Z`;
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
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
