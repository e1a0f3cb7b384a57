import { quoteToken, SearchSyntaxError } from './search-syntax-error.ts';

export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

/**
 * A value as written: quoted (escapes decoded) or a bare word. `pieces` is the text cut at its
 * wildcard stars (one piece when it has none); `text` keeps every star as a character.
 */
export interface ValueToken {
  type: 'value';
  quoted: boolean;
  text: string;
  pieces: string[];
  index: number;
  end: number;
}

export type Token =
  | ValueToken
  | { type: 'operator'; operator: ComparisonOperator; index: number; end: number }
  | { type: '(' | ')' | ','; index: number; end: number }
  | { type: 'end'; index: number; end: number };

/** Characters that end a bare word; everything else (`:`, `/`, `*`, `.`, `-` …) belongs to it. */
const WORD_END = /[\s()=!<>,"']/u;
const ESCAPABLE = new Set(['\\', '"', "'", '*']);

/** The tokens of a query, ending with an `end` token at its length. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const character = query[index] as string;
    if (/\s/u.test(character)) {
      index += 1;
    } else if (character === '(' || character === ')' || character === ',') {
      tokens.push({ type: character, index, end: index + 1 });
      index += 1;
    } else if (character === '"' || character === "'") {
      const token = quotedValue(query, index);
      tokens.push(token);
      index = token.end;
    } else if ('=!<>'.includes(character)) {
      const token = operatorAt(query, index);
      tokens.push(token);
      index = token.end;
    } else {
      let end = index;
      while (end < query.length && !WORD_END.test(query[end] as string)) end += 1;
      const text = query.slice(index, end);
      tokens.push({ type: 'value', quoted: false, text, pieces: text.split('*'), index, end });
      index = end;
    }
  }
  tokens.push({ type: 'end', index: query.length, end: query.length });
  return tokens;
}

function operatorAt(query: string, index: number): Token {
  const two = query.slice(index, index + 2);
  if (two === '!=' || two === '>=' || two === '<=') return { type: 'operator', operator: two, index, end: index + 2 };
  const one = query[index];
  if (one === '=' || one === '>' || one === '<') return { type: 'operator', operator: one, index, end: index + 1 };
  throw new SearchSyntaxError(query, index, 'expected != ("!" alone is not an operator; use not)');
}

/** A quoted string from its opening quote: `\\`, `\"`, `\'` and `\*` (a literal star) are its escapes. */
function quotedValue(query: string, start: number): ValueToken {
  const quote = query[start] as string;
  const pieces: string[] = [];
  let piece = '';
  let text = '';
  let index = start + 1;
  while (index < query.length) {
    const character = query[index] as string;
    if (character === quote) {
      pieces.push(piece);
      return { type: 'value', quoted: true, text, pieces, index: start, end: index + 1 };
    }
    if (character === '\\') {
      const escaped = query[index + 1];
      if (escaped === undefined || !ESCAPABLE.has(escaped)) {
        const what = escaped === undefined ? 'a backslash at the end of the query' : `a backslash before ${quoteToken(escaped)}`;
        throw new SearchSyntaxError(query, index, `${what} is not an escape: write \\\\ for a backslash; \\", \\' and \\* are the others`);
      }
      piece += escaped;
      text += escaped;
      index += 2;
    } else if (character === '*') {
      pieces.push(piece);
      piece = '';
      text += character;
      index += 1;
    } else {
      piece += character;
      text += character;
      index += 1;
    }
  }
  throw new SearchSyntaxError(query, start, `this string has no closing ${quote}`);
}
