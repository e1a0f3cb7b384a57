import { describe, expect, it } from 'vitest';
import { compileSearch } from '../../shared/query/search/compile-search.ts';
import { quoted, withoutGroupBy, withTerm } from '../../shared/ui/web/query-terms.ts';

describe("the dashboard's click-to-filter terms", () => {
  it('start an empty query with the term', () => {
    expect(withTerm('', 'verb = "list"')).toBe('verb = "list"');
  });

  it('add a term with and', () => {
    expect(withTerm('verb = list', 'response_code = 403')).toBe('verb = list and response_code = 403');
  });

  it('put the term before the groupby', () => {
    expect(withTerm('verb = list groupby username', 'cluster = prod')).toBe('verb = list and cluster = prod groupby username');
  });

  it('wrap a query holding or, so the term applies to all of it', () => {
    expect(withTerm('verb = list OR verb = watch', 'namespace = default')).toBe('(verb = list OR verb = watch) and namespace = default');
  });

  it('leave keywords inside quoted values alone', () => {
    expect(withTerm('user_agent = "x or y groupby z"', 'verb = get')).toBe('user_agent = "x or y groupby z" and verb = get');
  });

  it('drop the groupby to show the events behind a group', () => {
    expect(withoutGroupBy('verb = list GroupBy username')).toBe('verb = list');
  });

  it('quote any value so it compiles to exactly that value, stars included', () => {
    // Arrange
    const value = 'a "quoted" \\ back*slash';

    // Act
    const compiled = compileSearch(`user_name = ${quoted(value)}`, { view: 'events' });

    // Assess
    expect(compiled.params).toEqual([value]);
  });
});
