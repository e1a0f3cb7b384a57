import type { CompiledSearch } from './compile-search.ts';
import { printable } from './search-syntax-error.ts';

/**
 * A compiled search as `--explain` prints it: the SQL with its placeholders, then one comment line
 * per parameter with the value it binds (JSON, so text shows its quotes and escapes).
 */
export function explainSearch(compiled: CompiledSearch): string {
  const parameters = compiled.params.map((value, index) => `-- $${index + 1} = ${printable(JSON.stringify(value))}`);
  return [compiled.sql, ...parameters].join('\n');
}
