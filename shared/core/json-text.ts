/** Text of an untrusted value, for hashes and quarantine records; never throws. */
export function safeText(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? null;
  } catch (error) {
    // Too deep for the recursive JSON.stringify (and for String(), which recurses into arrays too).
    if (error instanceof RangeError) return stringifyWithoutRecursion(value);
    return String(value);
  }
}

/**
 * JSON.stringify of a parsed JSON value of any depth, with an explicit stack: the text a deeply
 * nested document had, so its quarantine record keeps it and its hash tells it from others.
 */
function stringifyWithoutRecursion(value: unknown): string {
  const parts: string[] = [];
  const pending: ({ text: string } | { value: unknown })[] = [{ value }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('text' in next) {
      parts.push(next.text);
      continue;
    }
    const current = next.value;
    if (typeof current !== 'object' || current === null) {
      parts.push(JSON.stringify(current) ?? 'null');
      continue;
    }
    const isArray = Array.isArray(current);
    const entries = isArray ? current.map((item, index) => [String(index), item] as const) : Object.entries(current).filter(([, item]) => item !== undefined);
    // Pushed in reverse: the stack gives them back in document order.
    pending.push({ text: isArray ? ']' : '}' });
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, item] = entries[index] as readonly [string, unknown];
      pending.push({ value: item });
      if (!isArray) pending.push({ text: `${JSON.stringify(key)}:` });
      if (index > 0) pending.push({ text: ',' });
    }
    pending.push({ text: isArray ? '[' : '{' });
  }
  return parts.join('');
}

/**
 * Whether JSON text holds at most `limit` opening brackets. Then no value parsed from it (or from
 * a prefix of it) nests more than `limit` deep, since every object and array opens with one; so
 * this settles {@link nestsDeeperThan} for nearly every event at a fifth of the cost of the walk.
 */
export function opensAtMost(text: string, limit: number): boolean {
  let opened = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) if (++opened > limit) return false;
  }
  return true;
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

/** The value of JSON text, or undefined when it is not JSON (the error would quote the input). */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Text without the byte order mark some Windows tools write before JSON. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
