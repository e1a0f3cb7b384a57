import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, opensAtMost } from '../../shared/core/json-text.ts';

/** A value of exactly `depth` nested arrays and objects, alternating. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { child: value };
  return value;
}

/** The depth by definition: scalars 0, a container one more than its deepest member. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe('nestsDeeperThan', () => {
  it('counts {} and [] as depth 1 and scalars as depth 0', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan([], 1)).toBe(false);
  });

  it('is false at exactly the limit and true one level past it', () => {
    expect(nestsDeeperThan(nested(1000), 1000)).toBe(false);
    expect(nestsDeeperThan(nested(1001), 1000)).toBe(true);
  });

  it('does not overflow the stack on a value nested far deeper than the limit', () => {
    expect(nestsDeeperThan(nested(200_000), 1000)).toBe(true);
  });

  it('agrees with the definition on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        expect(nestsDeeperThan(value, limit)).toBe(depthOf(value) > limit);
      }),
    );
  });
});

describe('opensAtMost', () => {
  it('counts the opening brackets of JSON text, in strings too', () => {
    expect(opensAtMost('{"a":[1,{"b":"[{"}]}', 5)).toBe(true);
    expect(opensAtMost('{"a":[1,{"b":"[{"}]}', 4)).toBe(false);
  });

  it('bounds the depth of the value the text parses to', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (value, limit) => {
        if (opensAtMost(JSON.stringify(value), limit)) expect(nestsDeeperThan(value, limit)).toBe(false);
      }),
    );
  });
});
