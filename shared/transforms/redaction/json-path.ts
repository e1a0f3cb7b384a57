/** A `*` or `[*]` segment: every key of an object, every item of an array. */
export const ANY = Symbol('any');

/** A segment for the keys of an object that match a pattern (built-in rules only: users name fields). */
export interface KeyPattern {
  readonly keys: RegExp;
}

export type PathSegment = string | typeof ANY | KeyPattern;

const NAME = /[^.[\]]+/y;
const BRACKET = /\[(\*|\d+|"(?:[^"\\]|\\.)*"|'[^']*')\]/y;

/**
 * Parses a field path as users write it: names separated by dots, `*` for any key or item, and
 * brackets for items and for keys with dots: `spec.containers[*].env[*].value`,
 * `metadata.annotations["example.com/token"]`. A path needs one named field at least, so that a
 * quarantined text can be scrubbed from that field on.
 */
export function parseJsonPath(text: string): PathSegment[] | { error: string } {
  const segments: PathSegment[] = [];
  let position = 0;
  while (position < text.length) {
    BRACKET.lastIndex = position;
    const bracket = BRACKET.exec(text);
    if (bracket) {
      segments.push(bracketSegment(bracket[1] as string));
      position = BRACKET.lastIndex;
      continue;
    }
    if (segments.length > 0) {
      if (text[position] !== '.') return { error: `expected "." or "[" at character ${position + 1}` };
      position++;
    }
    NAME.lastIndex = position;
    const name = NAME.exec(text);
    if (!name) return { error: `expected a field name at character ${position + 1}` };
    segments.push(name[0] === '*' ? ANY : name[0]);
    position = NAME.lastIndex;
  }
  if (!segments.some((segment) => segment !== ANY)) return { error: 'a path needs at least one named field' };
  return segments;
}

function bracketSegment(inner: string): PathSegment {
  if (inner === '*') return ANY;
  if (inner.startsWith('"')) return JSON.parse(inner) as string;
  if (inner.startsWith("'")) return inner.slice(1, -1);
  return inner;
}
