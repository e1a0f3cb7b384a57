/** Where a text of concatenated JSON documents stopped making sense, and what was left. */
interface SplitRest {
  /** Character offset of the first character that is not part of a complete document. */
  at: number;
  text: string;
  problem: string;
}

export interface SplitDocuments {
  /** The text of each complete top-level object or array, in order. */
  documents: string[];
  /** Set when the text does not end with a complete document. */
  rest: SplitRest | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

/**
 * Splits JSON objects (or arrays) written one after another — separated by newlines, other
 * whitespace or nothing at all (`{…}{…}`), as Firehose concatenates CloudWatch Logs payloads.
 * Only brackets outside strings count, so a `}{` inside a log message never splits. The
 * documents are not parsed here: each is parsed on its own, so one bad document costs only itself.
 */
export function splitJsonDocuments(text: string): SplitDocuments {
  const documents: string[] = [];
  let position = skipWhitespace(text, 0);
  while (position < text.length) {
    if (!OPENERS.has(text.charCodeAt(position))) {
      return { documents, rest: { at: position, text: text.slice(position), problem: `expected "{" or "[" at character ${position}` } };
    }
    const end = documentEnd(text, position);
    if (end === null) {
      return { documents, rest: { at: position, text: text.slice(position), problem: `document starting at character ${position} is not complete` } };
    }
    documents.push(text.slice(position, end));
    position = skipWhitespace(text, end);
  }
  return { documents, rest: null };
}

/** Offset just after the bracket closing the one at `start`, or null when the text ends first. */
export function documentEnd(text: string, start: number): number | null {
  let depth = 0;
  let position = start;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === QUOTE) {
      const closing = stringEnd(text, position + 1);
      if (closing === null) return null;
      position = closing + 1;
      continue;
    }
    if (OPENERS.has(code)) depth++;
    else if (CLOSERS.has(code) && --depth === 0) return position + 1;
    position++;
  }
  return null;
}

/** Offset of the quote ending a string whose content starts at `from`; found natively, as messages are most of the bytes. */
function stringEnd(text: string, from: number): number | null {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return null;
}

function skipWhitespace(text: string, from: number): number {
  let position = from;
  while (position < text.length && /\s/.test(text[position] as string)) position++;
  return position;
}
