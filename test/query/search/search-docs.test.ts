/** docs/search.md is the language's reference: its tables and examples are what the compiler does. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { explainSearch } from '../../../shared/query/search/explain-search.ts';
import { FIELD_ALIASES } from '../../../shared/query/search/search-fields.ts';
import { CANONICAL_COLUMNS, type ColumnKind } from '../../../shared/schema/columns.ts';
import { compileError } from './compile-error.ts';

const DOC = readFileSync(new URL('../../../docs/search.md', import.meta.url), 'utf8');

/** The body rows of the markdown table whose header row starts with `header`, as trimmed cells. */
function tableRows(header: string): string[][] {
  const lines = DOC.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${header} |`));
  if (start < 0) throw new Error(`docs/search.md has no table headed "${header}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The names written as `code` in a cell. */
function codeNames(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
}

/** The lines of the fenced block that follows `marker`. */
function blockAfter(marker: string): string[] {
  const from = DOC.indexOf(marker);
  const open = DOC.indexOf('```\n', from) + 4;
  return DOC.slice(open, DOC.indexOf('```', open)).trimEnd().split('\n');
}

const KIND_OF_ROW: Record<string, ColumnKind> = {
  text: 'string',
  'whole number': 'integer',
  number: 'number',
  'true/false': 'boolean',
  'list of text': 'string_array',
  JSON: 'json',
};

describe('docs/search.md', () => {
  it('lists every canonical column under its kind', () => {
    // Act
    const documented = tableRows('kind').flatMap(([kind, fields]) => codeNames(fields as string).map((name) => ({ name, kind: KIND_OF_ROW[kind as string] })));

    // Assess
    expect(documented.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      CANONICAL_COLUMNS.map(({ name, kind }) => ({ name, kind })).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('lists the aliases', () => {
    // Act
    const documented = Object.fromEntries(tableRows('alias').map(([alias, field]) => [codeNames(alias as string)[0], codeNames(field as string)[0]]));

    // Assess
    expect(documented).toEqual(FIELD_ALIASES);
  });

  it('gives examples that compile', () => {
    // Act
    const compile = () => blockAfter('## More examples').map((query) => compileSearch(query, { view: 'events' }));

    // Assess
    expect(compile).not.toThrow();
  });

  it('gives errors as the compiler reports them', () => {
    // Act
    const rows = tableRows('query').map(([query]) => {
      const error = compileError(codeNames(query as string)[0] as string);
      return [query, String(error.column), error.reason];
    });

    // Assess
    expect(rows).toEqual(tableRows('query'));
  });

  it('draws the caret line as the compiler does', () => {
    // Prepare
    const [query, caret] = blockAfter('## Errors');

    // Act
    const error = compileError(query as string);

    // Assess
    expect(error.pointer).toBe(`${query}\n${caret}`);
  });

  it("explains the seed's query as --explain prints it", () => {
    // Prepare
    const [command, ...output] = blockAfter('## `--explain`');
    const query = (command as string).slice((command as string).indexOf("'") + 1, -1);

    // Act
    const explained = explainSearch(compileSearch(query, { view: 'events' }));

    // Assess
    expect(explained.split('\n')).toEqual(output);
  });
});
