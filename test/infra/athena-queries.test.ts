import { describe, expect, it } from 'vitest';
import { NAMED_QUERIES } from '../../infra/aws/athena-queries.ts';
import { CANONICAL_COLUMNS } from '../../shared/schema/columns.ts';

const PARTITION_KEYS = ['dt', 'hour'];
const TABLE = 'events';

/**
 * Lower-case identifiers of a query that must be columns: string literals removed, function
 * names (followed by `(`) and aliases (after AS) left out. Keywords are written upper case.
 */
function columnReferences(sql: string): string[] {
  const code = sql.replace(/'[^']*'/g, "''").replace(/"([a-z_]+)"/g, '$1');
  const aliases = new Set([...code.matchAll(/\bAS ([a-z_]+)/g)].map((match) => match[1]));
  return [...code.matchAll(/\b([a-z_][a-z0-9_]*)\b(?!\s*\()/g)].map((match) => match[1] as string).filter((identifier) => identifier !== TABLE && !aliases.has(identifier));
}

describe('named Athena queries', () => {
  it('are the five investigations kaudit ships, each with a unique name', () => {
    // Act
    const names = NAMED_QUERIES.map((query) => query.name);

    // Assess
    expect(names).toEqual(['forbidden-requests-by-user', 'secret-reads', 'exec-attach-into-pods', 'rbac-changes', 'anonymous-requests']);
  });

  it.each(NAMED_QUERIES.map((query) => [query.name, query.sql]))('%s refers only to columns of the events table', (_name, sql) => {
    // Act
    const unknown = columnReferences(sql).filter((name) => !PARTITION_KEYS.includes(name) && !CANONICAL_COLUMNS.some((column) => column.name === name));

    // Assess
    expect(unknown).toEqual([]);
  });

  it.each(NAMED_QUERIES.map((query) => [query.name, query.sql]))('%s reads a bounded range of dt partitions', (_name, sql) => {
    // Assess
    expect(sql).toMatch(/WHERE dt >= /);
  });

  it('finds an unknown column, so the check above can fail', () => {
    // Act
    const references = columnReferences("SELECT usr_name, count(*) AS n FROM events WHERE verb = 'get'");

    // Assess
    expect(references).toEqual(['usr_name', 'verb']);
  });
});
