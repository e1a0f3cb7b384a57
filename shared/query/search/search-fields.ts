import { CANONICAL_COLUMNS, type Column } from '../../schema/columns.ts';
import type { FieldToken } from './search-parser.ts';
import { quoteToken, SearchSyntaxError } from './search-syntax-error.ts';

/** Names other query languages use for canonical columns (the seed-002 examples use them). */
export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  responsestatus_code: 'response_code',
  username: 'user_name',
  sourceip: 'src_ip',
  namespace: 'object_namespace',
  resource: 'object_resource',
  cluster: 'cluster_name',
};

/**
 * `logtype` is not a column: queries written for a SIEM holding many log types name the one
 * they mean, and every kaudit event is of this one.
 */
const LOGTYPE_FIELD = 'logtype';
export const LOGTYPE_VALUE = 'Kubernetes Audit Logs';

export type Field = { type: 'column'; column: Column } | { type: 'logtype' };

const COLUMNS = new Map(CANONICAL_COLUMNS.map((column) => [column.name, column]));
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SUGGESTIONS = 4;
/** No field name is longer; a longer word is not worth comparing with each. */
const SUGGESTION_INPUT_LIMIT = 64;

/** The column (or logtype) a field names: a canonical column or an alias, in any letter case. */
export function resolveField(query: string, field: FieldToken): Field {
  const name = IDENTIFIER.test(field.name) ? field.name.toLowerCase() : null;
  if (name === LOGTYPE_FIELD) return { type: 'logtype' };
  const column = name === null ? undefined : COLUMNS.get(FIELD_ALIASES[name] ?? name);
  if (column) return { type: 'column', column };
  const matches = field.name.length > SUGGESTION_INPUT_LIMIT ? [] : closeMatches(field.name.toLowerCase());
  const hint = matches.length > 0 ? `; did you mean ${matches.join(', ')}?` : '; docs/search.md lists the fields';
  throw new SearchSyntaxError(query, field.index, `unknown field ${quoteToken(field.name)}${hint}`);
}

/** Field names within a few edits of `written`, or containing it, closest first. */
function closeMatches(written: string): string[] {
  const names = [...COLUMNS.keys(), ...Object.keys(FIELD_ALIASES), LOGTYPE_FIELD];
  const budget = Math.max(2, Math.floor(written.length / 3));
  return names
    .map((name) => ({ name, distance: editDistance(written, name) }))
    .filter(({ name, distance }) => distance <= budget || (written.length >= 2 && name.includes(written)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, SUGGESTIONS)
    .map(({ name }) => name);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
