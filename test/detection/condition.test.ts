/** The condition grammar: and, or, not, parentheses, `N of`/`all of` patterns and `them`, precedence, and what is refused. */
import { describe, expect, it } from 'vitest';
import { refusalOf, resourceRequest, ruleOf } from './detection-builders.ts';

const EXEC = resourceRequest({ verb: 'create', resource: 'pods', namespace: 'shop', name: 'web-7d9f', subresource: 'exec', query: 'command=sh&stdin=true&tty=true' });

/** Whether the condition holds on an event where each named selection holds or not as given. */
function holds(condition: string | string[], truths: Record<string, boolean>): boolean {
  const selections = Object.fromEntries(Object.entries(truths).map(([name, truth]) => [name, { verb: truth ? 'create' : 'delete' }]));
  return ruleOf({ ...selections, condition }).matches(EXEC);
}

describe('and, or, not', () => {
  it('and holds when both sides hold', () => {
    // Act
    const results = [holds('a and b', { a: true, b: true }), holds('a and b', { a: true, b: false }), holds('a and b', { a: false, b: true })];

    // Assess
    expect(results).toEqual([true, false, false]);
  });

  it('or holds when either side holds', () => {
    // Act
    const results = [holds('a or b', { a: false, b: true }), holds('a or b', { a: true, b: false }), holds('a or b', { a: false, b: false })];

    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it('not negates', () => {
    // Act
    const results = [holds('not a', { a: false }), holds('not a', { a: true }), holds('not not a', { a: true })];

    // Assess
    expect(results).toEqual([true, false, true]);
  });

  it('a selection alone is the condition', () => {
    // Act
    const results = [holds('a', { a: true }), holds('a', { a: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('precedence', () => {
  it('and binds tighter than or: a or b and c is a or (b and c)', () => {
    // Act: (a or b) and c would be false here
    const result = holds('a or b and c', { a: true, b: false, c: false });

    // Assess
    expect(result).toBe(true);
  });

  it('not binds tighter than and: not a and b is (not a) and b', () => {
    // Act: not (a and b) would be true here
    const result = holds('not a and b', { a: false, b: false });

    // Assess
    expect(result).toBe(false);
  });

  it('parentheses group first', () => {
    // Act
    const results = [holds('(a or b) and c', { a: true, b: false, c: false }), holds('not (a and b)', { a: false, b: false })];

    // Assess
    expect(results).toEqual([false, true]);
  });

  it('"1 of" binds tighter than not', () => {
    // Act
    const result = holds('selection and not 1 of filter_*', { selection: true, filter_system: false, filter_ci: true });

    // Assess
    expect(result).toBe(false);
  });
});

describe('N of, all of, them', () => {
  it('1 of pattern holds when one matching selection holds', () => {
    // Act
    const results = [holds('1 of selection_*', { selection_a: false, selection_b: true }), holds('1 of selection_*', { selection_a: false, selection_b: false, other: true })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('all of pattern holds when every matching selection holds', () => {
    // Act
    const results = [holds('all of selection_*', { selection_a: true, selection_b: true, other: false }), holds('all of selection_*', { selection_a: true, selection_b: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('a pattern may have its wildcard anywhere', () => {
    // Act
    const result = holds('all of *_uri', { exec_uri: true, attach_uri: true, user: false });

    // Assess
    expect(result).toBe(true);
  });

  it('2 of pattern holds when at least two matching selections hold', () => {
    // Act
    const results = [holds('2 of sel*', { sel1: true, sel2: false, sel3: true }), holds('2 of sel*', { sel1: true, sel2: false, sel3: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('1 of them holds when any selection holds', () => {
    // Act
    const results = [holds('1 of them', { a: false, b: true }), holds('1 of them', { a: false, b: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('all of them holds when every selection holds', () => {
    // Act
    const results = [holds('all of them', { a: true, b: true }), holds('all of them', { a: true, b: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });

  it('them leaves out selections whose name starts with _', () => {
    // Act
    const results = [holds('all of them', { a: true, _helper: false }), holds('1 of them', { a: false, _helper: true })];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('a list of conditions', () => {
  it('fires when any of them holds', () => {
    // Act
    const results = [holds(['a', 'b'], { a: false, b: true }), holds(['a', 'b'], { a: false, b: false })];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('conditions that are refused', () => {
  const refusalFor = (condition: unknown, selections: Record<string, unknown> = { selection: { verb: 'create' } }) => refusalOf({ ...selections, condition }).problems.join('; ');

  it('an aggregation after |, named', () => {
    // Act
    const message = refusalFor('selection | count() by user.username > 10');

    // Assess
    expect(message).toMatch(/aggregation after "\|" \(count\(\) by user\.username > 10\) is not supported/);
  });

  it('near', () => {
    // Act
    const message = refusalFor('selection near other', { selection: { verb: 'create' }, other: { verb: 'delete' } });

    // Assess
    expect(message).toMatch(/"near" \(correlation of events\) is not supported/);
  });

  it('a name that is no selection, with a hint for upper-case operators', () => {
    // Act
    const messages = [refusalFor('selection and filter'), refusalFor('selection AND selection')];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/condition names "filter", which is no selection of detection$/),
      expect.stringMatching(/"AND".*\(condition keywords are lower case\)/),
    ]);
  });

  it('a pattern that matches no selection', () => {
    // Act
    const message = refusalFor('selection and not 1 of filter*');

    // Assess
    expect(message).toMatch(/"1 of filter\*" names no selection/);
  });

  it('unbalanced parentheses', () => {
    // Act
    const messages = [refusalFor('(selection'), refusalFor('selection)')];

    // Assess
    expect(messages).toEqual([expect.stringMatching(/"\(" without its "\)"/), expect.stringMatching(/unexpected "\)" \(unbalanced parentheses\)/)]);
  });

  it('an operator without its operand', () => {
    // Act
    const messages = [refusalFor('selection and'), refusalFor('or selection')];

    // Assess
    expect(messages).toEqual([expect.stringMatching(/ends where a selection was expected/), expect.stringMatching(/"or" where a selection was expected/)]);
  });

  it('a missing or empty condition', () => {
    // Act
    const messages = [refusalOf({ selection: { verb: 'create' } }).problems.join('; '), refusalFor('  ')];

    // Assess
    expect(messages).toEqual(['detection.condition is required', 'condition is empty']);
  });

  it('"N of" that can never hold', () => {
    // Act
    const message = refusalFor('3 of sel*', { sel1: { verb: 'create' }, sel2: { verb: 'patch' } });

    // Assess
    expect(message).toMatch(/"3 of sel\*" can never hold: only 2 selections match/);
  });
});
