/**
 * Values never become SQL text: whatever a value holds, it reaches DuckDB as a bound parameter,
 * and the SQL the compiler writes is made of column names, placeholders and its own words.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { FIELD_ALIASES } from '../../../shared/query/search/search-fields.ts';
import { SearchSyntaxError } from '../../../shared/query/search/search-syntax-error.ts';
import { CANONICAL_COLUMNS } from '../../../shared/schema/columns.ts';
import { clusterHistory, HOSTILE_USER } from './search-events.ts';
import { SearchTable } from './search-table.ts';

const PROBES = [HOSTILE_USER, '"; DROP TABLE events; --', "') OR TRUE --", "x' UNION SELECT * FROM events --", "'; SELECT 1; --", '$1', '?', '\\', "' OR ''='"];

/** A double-quoted query string holding exactly `value`: stars escaped too, so none is a wildcard. */
function literal(value: string): string {
  return `"${value.replace(/[\\"*]/g, (character) => `\\${character}`)}"`;
}

/** The same, but stars stay wildcards. */
function withWildcards(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

const KNOWN_NAMES = new Set(['events', 'count', 'logtype', ...CANONICAL_COLUMNS.map((column) => column.name), ...Object.keys(FIELD_ALIASES)]);
const SQL_WORDS = new Set(
  'SELECT FROM WHERE AND OR IS NOT TRUE FALSE LIKE ILIKE ESCAPE len list_filter lambda element CAST AS VARCHAR TRY_CAST TIMESTAMP ORDER BY DESC NULLS LAST GROUP ALL count LIMIT OFFSET'.split(
    ' ',
  ),
);

/**
 * What is left of SQL text once placeholders, the compiler's own words and quoted names of
 * fields and the view are taken out: it must be punctuation only.
 */
function foreignText(sql: string): string[] {
  const foreign: string[] = [];
  const rest = sql
    .replace(/\$\d+/g, ' ')
    .replace(/"([^"]*)"/g, (_, name: string) => {
      if (!KNOWN_NAMES.has(name.toLowerCase())) foreign.push(`"${name}"`);
      return ' ';
    })
    .replace(/[A-Za-z_]+/g, (word) => {
      if (!SQL_WORDS.has(word)) foreign.push(word);
      return ' ';
    });
  foreign.push(...rest.replace(/[\s(),*=<>]|\b\d\b/g, ''));
  return foreign;
}

describe('values in SQL', () => {
  let table: SearchTable;
  beforeAll(async () => {
    table = await SearchTable.of(clusterHistory());
  });
  afterAll(() => table.close());

  it.each(PROBES)('%s finds only the events holding it, as a value', async (probe) => {
    // Prepare
    const holding = clusterHistory().filter((event) => event.user_name === probe || event.user_groups?.includes(probe) || event.cluster_name === probe);

    // Act
    const found = await table.auditIds(`user_name = ${literal(probe)} or user_groups = ${literal(probe)} or cluster_name in (${literal(probe)}, x)`);

    // Assess
    expect(found).toEqual(holding.map((event) => event.audit_id).reverse());
  });

  it.each(PROBES)('%s as the cluster of the scope finds nothing', async (probe) => {
    // Act
    const found = await table.auditIds('', { cluster: probe });

    // Assess
    expect(found).toEqual([]);
  });

  it('leaves the table as it was after every probe', async () => {
    // Prepare
    for (const probe of PROBES) await table.auditIds(`user_agent contains ${literal(probe)} or annotations contains ${literal(probe)}`);

    // Act
    const rows = await table.rowCount();

    // Assess
    expect(rows).toBe(8);
  });

  it('refuses anything but a field name where a field goes, so no text reaches an alias', () => {
    // Act
    const attempts = ['groupby verb"; DROP TABLE events; --', "groupby 'verb'", 'groupby verb AS x'].map((query) => {
      try {
        return compileSearch(query, { view: 'events' });
      } catch (error) {
        return error;
      }
    });

    // Assess
    expect(attempts.every((attempt) => attempt instanceof SearchSyntaxError)).toBe(true);
  });

  describe('for random ASCII values', () => {
    const asciiValue = fc.string({ unit: 'binary-ascii', maxLength: 40 });
    const operator = fc.constantFrom('=', '!=', 'contains', 'startswith', 'in');
    const wrap = (operator: string, value: string) => (operator === 'in' ? `(${value}, "v")` : value);

    it('quoted, a value changes the parameters only, never the SQL text', () => {
      fc.assert(
        fc.property(asciiValue, operator, (value, op) => {
          // Prepare: a neutral value with the same wildcards compiles to the statement every value must share
          const neutral = value.replace(/[^*]/g, 'v');

          // Act
          const compiled = compileSearch(`user_name ${op} ${wrap(op, withWildcards(value))}`, { view: 'events' });
          const reference = compileSearch(`user_name ${op} ${wrap(op, withWildcards(neutral))}`, { view: 'events' });

          // Assess
          expect(compiled.sql).toBe(reference.sql);
          expect(foreignText(compiled.sql)).toEqual([]);
        }),
        { numRuns: 500 },
      );
    });

    it('written bare, a value either fails to compile or leaves no text of its own in the SQL', () => {
      fc.assert(
        fc.property(asciiValue, operator, (value, op) => {
          // Act
          let sql: string;
          try {
            sql = compileSearch(`user_name ${op} ${wrap(op, value)}`, { view: 'events' }).sql;
          } catch (error) {
            // Assess
            expect(error).toBeInstanceOf(SearchSyntaxError);
            return;
          }

          // Assess
          expect(foreignText(sql)).toEqual([]);
        }),
        { numRuns: 500 },
      );
    });

    it('quoted and exact, a value finds in DuckDB exactly the events holding it', async () => {
      // Prepare: random values, and the stored user names so that some are found
      const events = clusterHistory();
      const value = fc.oneof(asciiValue, fc.constantFrom(...events.map((event) => event.user_name as string)));

      await fc.assert(
        fc.asyncProperty(value, async (name) => {
          // Act
          const found = await table.auditIds(`user_name = ${literal(name)}`);

          // Assess
          expect(new Set(found)).toEqual(new Set(events.filter((event) => event.user_name === name).map((event) => event.audit_id)));
        }),
        { numRuns: 100 },
      );
    });
  });
});
