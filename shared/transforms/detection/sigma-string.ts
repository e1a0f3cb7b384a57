/**
 * A Sigma string value as a pattern: literal text and the wildcards `*` (any run of characters)
 * and `?` (exactly one character). A backslash escapes `*`, `?` and itself; before any other
 * character it is a literal backslash, so Windows-style paths need no escaping.
 */
import { foldCase } from './case-fold.ts';

export type PatternPart = { kind: 'text'; text: string } | { kind: 'any' } | { kind: 'one' };

export type Pattern = readonly PatternPart[];

const ANY: PatternPart = Object.freeze({ kind: 'any' });
const ONE: PatternPart = Object.freeze({ kind: 'one' });

/** Parses a plain Sigma value. Adjacent text is merged and runs of `*` collapse into one. */
export function parseSigmaString(value: string): Pattern {
  const parts: PatternPart[] = [];
  let text = '';
  const flushText = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    if (char === '\\') {
      const next = value[index + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        index++;
      } else {
        text += char;
      }
    } else if (char === '*') {
      flushText();
      if (parts.at(-1)?.kind !== 'any') parts.push(ANY);
    } else if (char === '?') {
      flushText();
      parts.push(ONE);
    } else {
      text += char;
    }
  }
  flushText();
  return parts;
}

/** The pattern a `contains`, `startswith` or `endswith` modifier makes of a value. */
export function anchoredPattern(pattern: Pattern, position: 'contains' | 'startswith' | 'endswith'): Pattern {
  const before = position === 'contains' || position === 'endswith';
  const after = position === 'contains' || position === 'startswith';
  const parts = [...pattern];
  if (before && parts[0]?.kind !== 'any') parts.unshift(ANY);
  if (after && parts.at(-1)?.kind !== 'any') parts.push(ANY);
  return parts;
}

/** The pattern with its text case-folded, for case-insensitive matching against case-folded values. */
export function foldPattern(pattern: Pattern): Pattern {
  return pattern.map((part) => (part.kind === 'text' ? { kind: 'text', text: foldCase(part.text) } : part));
}

/** The text of a pattern without wildcards, or null when it has some. */
export function literalOf(pattern: Pattern): string | null {
  if (pattern.length === 0) return '';
  const [only] = pattern;
  return pattern.length === 1 && only?.kind === 'text' ? only.text : null;
}
