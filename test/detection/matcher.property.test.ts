/** Properties of the matcher over generated values and events: wildcards, case, negation, lists, networks, numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { foldCase } from '../../shared/transforms/detection/case-fold.ts';
import { compileFieldCondition } from '../../shared/transforms/detection/field-condition.ts';
import { compileRules, matchEvent } from '../../shared/transforms/detection/rule-set.ts';
import { canonicalEvent, ruleOf, sigmaRuleText } from './detection-builders.ts';

const BASE = canonicalEvent();

/** Whether `key: value` matches an event whose user agent (or, for user.groups, whose groups) is `fieldValue`. */
function matches(key: string, value: unknown, fieldValue: unknown): boolean {
  const column = key.startsWith('user.groups') ? 'user_groups' : key.startsWith('src_ip') ? 'src_ip' : 'user_agent';
  return compileFieldCondition(key, value).matches({ ...BASE, [column]: fieldValue } as CanonicalEvent);
}

/** A text as a Sigma value that means exactly that text: wildcards and backslashes escaped. */
const escapeSigma = (text: string) => text.replace(/[\\*?]/g, (char) => `\\${char}`);

/** The definition of a plain Sigma value, written independently: `\` escapes `*`, `?` and itself, `*` is any run, `?` one character. */
function referenceRegExp(value: string): RegExp {
  let source = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    const next = value[index + 1];
    if (char === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += `\\${next}`;
      index++;
    } else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|?*+()[\]{}/-]/g, (special) => `\\${special}`);
  }
  return new RegExp(`^${source}$`, 'su');
}

const anyText = fc.string({ unit: 'binary', maxLength: 24 });
const smallAlphabet = (extra: string[] = []) => fc.array(fc.constantFrom('a', 'B', 'b', '*', '?', '\\', ...extra), { maxLength: 10 }).map((chars) => chars.join(''));

describe('wildcard patterns', () => {
  it('a pattern built from a text, its pieces escaped or replaced by *, matches that text, with and without cased', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, fc.boolean()), { maxLength: 6 }), (pieces) => {
        const text = pieces.map(([piece]) => piece).join('');
        const pattern = pieces.map(([piece, wild]) => (wild ? '*' : escapeSigma(piece))).join('');
        expect(matches('userAgent|cased', pattern, text)).toBe(true);
        expect(matches('userAgent', pattern, text)).toBe(true);
      }),
    );
  });

  it('a pattern built from a text, some characters replaced by ?, matches that text, with and without cased', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.boolean()), { maxLength: 16 }), (chars) => {
        const text = chars.map(([char]) => char).join('');
        const pattern = chars.map(([char, wild]) => (wild ? '?' : escapeSigma(char))).join('');
        expect(matches('userAgent|cased', pattern, text)).toBe(true);
        expect(matches('userAgent', pattern, text)).toBe(true);
      }),
    );
  });

  it('agree, case-sensitive, with a regular expression of the pattern, astral characters counting as one', () => {
    fc.assert(
      fc.property(smallAlphabet(), smallAlphabet(['😀']), (pattern, text) => {
        expect(matches('userAgent|cased', pattern, text)).toBe(referenceRegExp(pattern).test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('an escaped value matches exactly the texts equal to it ignoring case', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), (value, other, same) => {
        const text = same ? value.toUpperCase() : other;
        expect(matches('userAgent', escapeSigma(value), text)).toBe(text.toLowerCase() === value.toLowerCase());
      }),
    );
  });
});

describe('contains, startswith, endswith', () => {
  /** A text and a piece of it with its case changed, or an unrelated text. */
  const textAndNeedle = fc.oneof(
    fc.tuple(fc.string(), fc.nat(), fc.nat()).map(([text, from, length]) => {
      const start = text.length === 0 ? 0 : from % text.length;
      return [text, text.slice(start, start + length).toUpperCase()] as const;
    }),
    fc.tuple(fc.string(), fc.string({ maxLength: 3 })).map(([text, needle]) => [text, needle] as const),
  );

  it('contains agrees with a lower-cased indexOf', () => {
    fc.assert(
      fc.property(textAndNeedle, ([text, needle]) => {
        expect(matches('userAgent|contains', escapeSigma(needle), text)).toBe(text.toLowerCase().indexOf(needle.toLowerCase()) >= 0);
      }),
    );
  });

  it('contains agrees with indexOf after case folding, for any text', () => {
    fc.assert(
      fc.property(anyText, anyText, (text, needle) => {
        expect(matches('userAgent|contains', escapeSigma(needle), text + needle.toUpperCase())).toBe(true);
        expect(matches('userAgent|contains', escapeSigma(needle), text)).toBe(foldCase(text).includes(foldCase(needle)));
      }),
    );
  });

  it('startswith and endswith agree with lower-cased startsWith and endsWith', () => {
    fc.assert(
      fc.property(textAndNeedle, ([text, needle]) => {
        expect(matches('userAgent|startswith', escapeSigma(needle), text)).toBe(text.toLowerCase().startsWith(needle.toLowerCase()));
        expect(matches('userAgent|endswith', escapeSigma(needle), text)).toBe(text.toLowerCase().endsWith(needle.toLowerCase()));
      }),
    );
  });
});

describe('conditions and lists', () => {
  it('not X holds exactly when X does not', () => {
    fc.assert(
      fc.property(smallAlphabet(), fc.option(smallAlphabet(), { nil: null }), (pattern, userAgent) => {
        const event: CanonicalEvent = { ...BASE, user_agent: userAgent };
        const selection = { userAgent: pattern };
        expect(ruleOf({ selection, condition: 'not selection' }).matches(event)).toBe(!ruleOf({ selection, condition: 'selection' }).matches(event));
      }),
      { numRuns: 300 },
    );
  });

  it('a list-valued field matches when and only when one of its elements does', () => {
    fc.assert(
      fc.property(smallAlphabet(), fc.array(smallAlphabet(), { maxLength: 4 }), (pattern, groups) => {
        expect(matches('user.groups', pattern, groups)).toBe(groups.some((group) => matches('userAgent', pattern, group)));
      }),
    );
  });

  it('a list of values matches when one value does, and with all when every value does', () => {
    fc.assert(
      fc.property(fc.array(smallAlphabet(), { minLength: 2, maxLength: 4 }), smallAlphabet(), (values, text) => {
        const each = values.map((value) => matches('userAgent', value, text));
        expect(matches('userAgent', values, text)).toBe(each.some(Boolean));
        expect(matches('userAgent|all', values, text)).toBe(each.every(Boolean));
      }),
    );
  });
});

describe('networks and numbers', () => {
  const ipv4 = (address: number) => [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');

  it('cidr agrees with comparing the first prefix bits of IPv4 addresses', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (address, network, prefix) => {
        const inside = prefix === 0 || address >>> (32 - prefix) === network >>> (32 - prefix);
        expect(matches('src_ip|cidr', `${ipv4(network)}/${prefix}`, ipv4(address))).toBe(inside);
      }),
    );
  });

  it('gt and lte split every number, and a text holding it, at the bound', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }), (bound, number) => {
        expect(matches('userAgent|gt', bound, number)).toBe(number > bound);
        expect(matches('userAgent|lte', bound, String(number))).toBe(number <= bound);
      }),
    );
  });
});

describe('the rule index', () => {
  const VERBS = ['get', 'list', 'create', 'delete', 'CREATE', 'cre*'];
  const RESOURCES = ['pods', 'Pods', 'secrets', 'pod?', 'configmaps', '*'];
  const selectionEntry = fc
    .tuple(
      fc.constantFrom('verb', 'objectRef.resource', 'objectRef.subresource'),
      fc.constantFrom('', '|cased', '|contains', '|startswith'),
      fc.oneof(fc.constantFrom(...VERBS, ...RESOURCES, 'exec', null), fc.uniqueArray(fc.constantFrom(...VERBS, ...RESOURCES, 'exec'), { minLength: 2, maxLength: 3 })),
    )
    .filter(([, modifier, value]) => modifier === '' || value !== null);
  const selection = fc
    .array(selectionEntry, { minLength: 1, maxLength: 3 })
    .map((entries) => Object.fromEntries(entries.map(([field, modifier, value]) => [`${field}${modifier}`, value])));
  const detection = fc.record({
    selection: fc.oneof(selection, fc.array(selection, { minLength: 2, maxLength: 3 })),
    filter: selection,
    condition: fc.constantFrom('selection', 'not selection', 'selection or filter', 'selection and not filter', '1 of them', 'all of them', 'not (selection or filter)'),
  });
  const event = fc.record({
    verb: fc.constantFrom('get', 'list', 'create', 'Create', 'delete', 'patch'),
    object_resource: fc.constantFrom('pods', 'PODS', 'secrets', 'configmaps', 'podsecuritypolicies', null),
    object_subresource: fc.constantFrom('exec', 'status', null),
  });

  it('matchEvent fires exactly the rules that match when every rule is evaluated', () => {
    fc.assert(
      fc.property(fc.array(detection, { minLength: 1, maxLength: 6 }), fc.array(event, { minLength: 1, maxLength: 8 }), (detections, fields) => {
        const sources = detections.map((rule, index) => ({
          path: `rules/${index}.yml`,
          text: sigmaRuleText(rule, { id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}` }),
        }));
        const { rules, refusals } = compileRules(sources);
        expect(refusals).toEqual([]);
        for (const values of fields) {
          const candidate: CanonicalEvent = { ...BASE, ...values };
          expect(matchEvent(rules, candidate).matched).toEqual(rules.all.filter((rule) => rule.matches(candidate)));
        }
      }),
      { numRuns: 150 },
    );
  });
});
