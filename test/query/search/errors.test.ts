import { describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { MAX_NESTING, MAX_QUERY_LENGTH } from '../../../shared/query/search/search-parser.ts';
import { compileError } from './compile-error.ts';

describe('search errors', () => {
  it('point at the column where parsing failed, under the query', () => {
    // Act
    const error = compileError('verb="list" and and user_name="x"');

    // Assess
    expect(error.column).toBe(17);
    expect(error.message).toBe('column 17: expected a field, found "and"');
    expect(error.pointer).toBe(['verb="list" and and user_name="x"', '                ^ expected a field, found "and"'].join('\n'));
  });

  it.each([
    ['verb =', 7, 'expected a value, found the end of the query'],
    ['verb = "list and user_name = x', 8, 'this string has no closing "'],
    ["verb = 'list", 8, "this string has no closing '"],
    ['verb ! list', 6, 'expected != ("!" alone is not an operator; use not)'],
    ['verb list', 6, 'expected an operator: = != > >= < <= contains startswith in, found "list"'],
    ['verb == list', 7, 'expected a value, found "="'],
    ['verb = list user_name = x', 13, 'expected and, or, groupby or the end of the query, found "user_name"'],
    ['verb = list and', 16, 'expected a field, found the end of the query'],
    ['"verb" = list', 1, 'expected a field, found "\\"verb\\""'],
    ['verb = and', 8, 'expected a value (quote a keyword to search for it), found "and"'],
    ['(verb = list or verb = get', 27, 'expected ), and or or, found the end of the query'],
    ['verb = list)', 12, 'expected and, or, groupby or the end of the query, found ")"'],
    ['()', 2, 'expected a field, found ")"'],
    ['verb in get', 9, 'expected ( to open the list of values, found "get"'],
    ['verb in (get,)', 14, 'expected a value, found ")"'],
    ['verb in (get list)', 14, 'expected a comma and another value, or ) to close the list, found "list"'],
    ['groupby', 8, 'expected a field, found the end of the query'],
    ['groupby verb verb', 14, 'expected a comma and another field, or the end of the query, found "verb"'],
    ['groupby verb and verb = list', 14, 'expected a comma and another field, or the end of the query, found "and"'],
    ['groupby username, user_name', 19, 'user_name is grouped by already'],
    [String.raw`user_agent = "C:\path"`, 17, 'a backslash before "p" is not an escape: write \\\\ for a backslash; \\", \\\' and \\* are the others'],
  ])('%s → column %i: %s', (query, column, reason) => {
    // Act
    const error = compileError(query);

    // Assess
    expect({ column: error.column, reason: error.reason }).toEqual({ column, reason });
  });

  it('compiles a keyword written in quotes as a value', () => {
    // Act
    const compiled = compileSearch('verb = "and"', { view: 'events' });

    // Assess
    expect(compiled.params).toEqual(['and']);
  });

  describe('unknown fields', () => {
    it('list the close matches, aliases included', () => {
      // Act
      const error = compileError('verb = list and usrname = demo');

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({ column: 17, reason: 'unknown field "usrname"; did you mean username, user_name?' });
    });

    it('list the fields containing a short name', () => {
      // Act
      const error = compileError('ip = 10.0.1.5');

      // Assess
      expect(error.reason).toBe('unknown field "ip"; did you mean src_ip, sourceip, source_ips, src_peer_ip?');
    });

    it('point to the field reference when nothing is close', () => {
      // Act
      const error = compileError('colour = red');

      // Assess
      expect(error.reason).toBe('unknown field "colour"; docs/search.md lists the fields');
    });

    it('refuse a field name that only lower-cases to a column name', () => {
      // Act: U+212A KELVIN SIGN lower-cases to "k"
      const error = compileError('\u212Aind = x');

      // Assess
      expect(error.column).toBe(1);
    });
  });

  describe('messages', () => {
    it('quote at most the offending token, cut when long', () => {
      // Act
      const error = compileError(`response_code = "${'4'.repeat(20)}x${'0'.repeat(80)}"`);

      // Assess
      expect(error.reason).toBe(`response_code is a whole number, found "${'4'.repeat(20)}x${'0'.repeat(11)}…"`);
    });

    it('never quote the rest of the query', () => {
      // Act
      const error = compileError('user_name = "hunter2" and and');

      // Assess
      expect(error.message).not.toContain('hunter2');
    });

    it('count the column in characters, not UTF-16 units', () => {
      // Act
      const error = compileError('user_name = "🦀" or or');

      // Assess
      expect(error.column).toBe(20);
    });

    it('show control characters of the query as spaces, so the caret stays under the column', () => {
      // Act
      const error = compileError('verb = "a\tb\u0007\u009b" and and');

      // Assess
      expect(error.pointer).toBe(['verb = "a b  " and and', `${' '.repeat(19)}^ expected a field, found "and"`].join('\n'));
    });

    it('show a window of a long query around the column', () => {
      // Prepare
      const query = `${'verb = list and '.repeat(10)}and${' and verb = get'.repeat(10)}`;

      // Act
      const error = compileError(query);

      // Assess
      const [line, caret] = error.pointer.split('\n') as [string, string];
      expect(line.startsWith('…') && line.endsWith('…')).toBe(true);
      expect(line.slice(caret.indexOf('^'), caret.indexOf('^') + 7)).toBe('and and');
    });
  });

  describe('limits against hostile queries', () => {
    it.each([
      ['parentheses', `${'('.repeat(5_000)}verb = list${')'.repeat(5_000)}`, '('],
      ['not', `${'not '.repeat(3_000)}verb = list`, 'not '],
    ])('refuse %s nested deeper than the limit, instead of exhausting the stack', (_, query, opening) => {
      // Act
      const error = compileError(query);

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({
        column: MAX_NESTING * opening.length + 1,
        reason: expect.stringMatching(new RegExp(`^parentheses and not nest at most ${MAX_NESTING} deep`)),
      });
    });

    it('refuse a query longer than the limit, at the first character past it', () => {
      // Act
      const error = compileError('verb = list or '.repeat(2_000));

      // Assess
      expect(error.column).toBe(MAX_QUERY_LENGTH + 1);
    });
  });
});
