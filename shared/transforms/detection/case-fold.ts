/**
 * Case-insensitive matching folds both sides character by character: each character becomes the
 * lower case of its upper case when that is one character, else its own lower case when that is
 * one character, else itself. Folding whole strings with toLowerCase would not do: it writes a
 * final sigma differently from a sigma inside a word, and turns some characters into two, so `?`
 * (one character) would stop matching them.
 */

const NON_ASCII = /[^\x00-\x7f]/;

export function foldCase(text: string): string {
  if (isFolded(text)) return text;
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  let folded = '';
  for (const char of text) folded += foldChar(char);
  return folded;
}

function foldChar(char: string): string {
  const viaUpper = char.toUpperCase().toLowerCase();
  if (isOneCodePoint(viaUpper)) return viaUpper;
  const lower = char.toLowerCase();
  return isOneCodePoint(lower) ? lower : char;
}

function isOneCodePoint(text: string): boolean {
  return text.length === 1 || (text.length === 2 && (text.codePointAt(0) as number) > 0xffff);
}

/** Whether the text is ASCII without capitals, as most of an audit event is: then it is its own fold, with nothing to allocate. */
function isFolded(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code >= 65 && code <= 90) || code >= 128) return false;
  }
  return true;
}
