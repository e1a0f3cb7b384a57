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

/** Whether `YYYY-MM-DDTHH:MM:SS` is a second that exists: Date.parse rolls February 30 over to March. */
function isRealSecond(seconds: string): boolean {
  const epochMs = Date.parse(`${seconds}Z`);
  return !Number.isNaN(epochMs) && new Date(epochMs).toISOString().startsWith(seconds);
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
