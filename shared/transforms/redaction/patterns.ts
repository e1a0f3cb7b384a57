/** `text` with the characters regular expressions treat specially escaped, to match it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Source of a pattern for `?name=` or `&name=` with one of `names` (match case-insensitively). */
export function queryParameterSource(names: readonly string[]): string {
  return `[?&](?:${names.map(escapeRegExp).join('|')})=`;
}
