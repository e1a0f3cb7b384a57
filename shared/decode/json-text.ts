/** Text of an untrusted value, for hashes and quarantine records; never throws. */
export function safeText(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return String(value);
  }
}
