/**
 * Building queries of the search language from clicks: each click adds a condition to the query
 * in the box, so what the page shows is always a query the user can read, edit and share.
 */

/** A text value as the language writes it: double-quoted, with `\`, `"` and `*` escaped (no wildcard). */
export function quoted(value: string): string {
  return `"${value.replace(/[\\"*]/g, (character) => `\\${character}`)}"`;
}

/** The query with `term` added by `and`, before its `groupby` and around an `or`. */
export function withTerm(query: string, term: string): string {
  const { condition, groupBy } = splitGroupBy(query.trim());
  const base = condition === '' ? term : `${hasWord(condition, 'or') ? `(${condition})` : condition} and ${term}`;
  return groupBy === '' ? base : `${base} ${groupBy}`;
}

/** The query without its `groupby`: the events behind a table of groups. */
export function withoutGroupBy(query: string): string {
  return splitGroupBy(query.trim()).condition;
}

/** The condition and the `groupby …` tail of a query, split at a `groupby` outside quotes. */
function splitGroupBy(query: string): { condition: string; groupBy: string } {
  const at = wordIndex(query, 'groupby');
  return at < 0 ? { condition: query, groupBy: '' } : { condition: query.slice(0, at).trim(), groupBy: query.slice(at).trim() };
}

function hasWord(query: string, word: string): boolean {
  return wordIndex(query, word) >= 0;
}

/** Where a keyword stands in a query as a word of its own, outside quoted strings; -1 when it does not. */
function wordIndex(query: string, word: string): number {
  let quote: string | null = null;
  for (let index = 0; index < query.length; index++) {
    const character = query[index] as string;
    if (quote !== null) {
      if (character === '\\') index++;
      else if (character === quote) quote = null;
      continue;
    }
    if (character === '"' || character === "'") {
      quote = character;
      continue;
    }
    const before = index === 0 ? ' ' : (query[index - 1] as string);
    const after = query[index + word.length] ?? ' ';
    if (/[\s()]/.test(before) && /[\s()]/.test(after) && query.slice(index, index + word.length).toLowerCase() === word) return index;
  }
  return -1;
}
