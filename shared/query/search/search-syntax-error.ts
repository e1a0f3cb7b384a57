/** How much of a query the pointer shows around the column, and of a token a message quotes. */
const EXCERPT_WIDTH = 72;
const TOKEN_WIDTH = 32;

/**
 * A search query that cannot be compiled, at a 1-based column (counted in characters). The
 * message names the reason and at most the offending token; `pointer` is the query (or the part
 * of it around the column) over a caret line, for a terminal or a search box.
 */
export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError';
  readonly column: number;
  readonly reason: string;
  readonly pointer: string;

  /** `index` is the UTF-16 offset into `query` where the problem starts. */
  constructor(query: string, index: number, reason: string) {
    const column = Array.from(query.slice(0, index)).length + 1;
    super(`column ${column}: ${reason}`);
    this.column = column;
    this.reason = reason;
    this.pointer = pointerAt(query, column, reason);
  }
}

/** A token as a message may quote it: JSON-escaped, and cut when long. */
export function quoteToken(token: string): string {
  const characters = Array.from(token);
  const shown = characters.length > TOKEN_WIDTH ? `${characters.slice(0, TOKEN_WIDTH).join('')}…` : token;
  return printable(JSON.stringify(shown));
}

/** JSON.stringify leaves DEL, the C1 controls and the line separators as they are; a terminal must not see them. */
export function printable(text: string): string {
  return text.replace(/[\u007f-\u009f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pointerAt(query: string, column: number, reason: string): string {
  // One visible character per code point, so the caret lands under the column.
  const characters = Array.from(query).map((character) => (/^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u.test(character) ? ' ' : character));
  const half = Math.floor(EXCERPT_WIDTH / 2);
  const start = characters.length <= EXCERPT_WIDTH ? 0 : Math.max(0, Math.min(column - 1 - half, characters.length - EXCERPT_WIDTH));
  const end = Math.min(characters.length, start + EXCERPT_WIDTH);
  const before = start > 0 ? '…' : '';
  const after = end < characters.length ? '…' : '';
  const line = `${before}${characters.slice(start, end).join('')}${after}`;
  const caret = `${' '.repeat(before.length + column - 1 - start)}^ ${reason}`;
  return `${line}\n${caret}`;
}
