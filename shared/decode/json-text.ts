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
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (nestsDeeperThan(value[index], maxDepth - 1)) return true;
    return false;
  }
  for (const child of Object.values(value)) if (nestsDeeperThan(child, maxDepth - 1)) return true;
  return false;
}
