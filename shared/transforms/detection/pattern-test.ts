/**
 * A Sigma pattern compiled once into the cheapest test that decides it: equality, a prefix, a
 * suffix or a substring check, else a wildcard matcher. The matcher backtracks only to the last `*`
 * (time bounded by pattern length × text length), so no event text, however crafted, can make a
 * rule's wildcards take exponential time as a backtracking RegExp could.
 */
import type { Pattern } from './sigma-string.ts';

/** Whether a text (already case-folded when the match is case-insensitive) fits the pattern. */
export type TextTest = (text: string) => boolean;

const ANY = -1;
const ONE = -2;

export function compilePattern(pattern: Pattern): TextTest {
  const [first, second, third] = pattern;
  if (pattern.length === 0) return (text) => text === '';
  if (pattern.length === 1 && first?.kind === 'any') return () => true;
  if (pattern.length === 1 && first?.kind === 'text') {
    const literal = first.text;
    return (text) => text === literal;
  }
  if (pattern.length === 2 && first?.kind === 'text' && second?.kind === 'any') {
    const prefix = first.text;
    return (text) => text.startsWith(prefix);
  }
  if (pattern.length === 2 && first?.kind === 'any' && second?.kind === 'text') {
    const suffix = second.text;
    return (text) => text.endsWith(suffix);
  }
  if (pattern.length === 3 && first?.kind === 'any' && second?.kind === 'text' && third?.kind === 'any') {
    const infix = second.text;
    return (text) => text.includes(infix);
  }
  const ops = opsOf(pattern);
  return (text) => wildcardMatch(ops, text);
}

/** The pattern as one op per position: a UTF-16 code unit, ANY or ONE. */
function opsOf(pattern: Pattern): Int32Array {
  const ops: number[] = [];
  for (const part of pattern) {
    if (part.kind === 'any') ops.push(ANY);
    else if (part.kind === 'one') ops.push(ONE);
    else for (let index = 0; index < part.text.length; index++) ops.push(part.text.charCodeAt(index));
  }
  return Int32Array.from(ops);
}

/**
 * Greedy glob matching that, on a mismatch, lets the last `*` absorb one more character and retries
 * from there. `?` and the backtracking step move by code points, so an astral character (a surrogate
 * pair) counts as one character.
 */
function wildcardMatch(ops: Int32Array, text: string): boolean {
  let op = 0;
  let at = 0;
  let starOp = -1;
  let starAt = 0;
  while (at < text.length) {
    if (op < ops.length) {
      const code = ops[op] as number;
      if (code === ANY) {
        starOp = op++;
        starAt = at;
        continue;
      }
      if (code === ONE) {
        at += widthAt(text, at);
        op++;
        continue;
      }
      if (code === text.charCodeAt(at)) {
        op++;
        at++;
        continue;
      }
    }
    if (starOp < 0) return false;
    op = starOp + 1;
    starAt += widthAt(text, starAt);
    at = starAt;
  }
  while (op < ops.length && ops[op] === ANY) op++;
  return op === ops.length;
}

/** Code units of the character at `at`: 2 for a surrogate pair, else 1. */
function widthAt(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(at + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 2;
  }
  return 1;
}
