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

/**
 * Whether a parsed JSON value nests objects and arrays more than `maxDepth` deep (`{}` is depth 1).
 * Recursive, yet safe on the values it guards against: it returns once `maxDepth` is passed, so it
 * never goes more than `maxDepth` calls deep. (It runs on every event: an explicit stack of
 * {value, depth} entries cost an allocation per node, a tenth of normalization.)
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth < 1) return true;
  const members = Array.isArray(value) ? value : Object.values(value);
  for (let index = 0; index < members.length; index++) {
    const member: unknown = members[index];
    // Scalars are most members: tested here rather than in a call of their own.
    if (typeof member === 'object' && member !== null && nestsDeeperThan(member, maxDepth - 1)) return true;
  }
  return false;
}
