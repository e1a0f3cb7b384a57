/**
 * One entry of a Sigma selection, `field|modifier|…: value or list`, compiled into a predicate over
 * the canonical event. Everything a rule can get wrong is found at load time and thrown as a
 * RuleProblem: an unknown field, what field-modifiers.ts checks, a regular expression that does not
 * compile, a network that is none, a placeholder without values, a field reference to no field.
 */
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import type { ColumnKind } from '../../schema/columns.ts';
import { foldCase } from './case-fold.ts';
import { compileCidrs, parseCidr } from './cidr.ts';
import { type ResolvedField, resolveField } from './event-fields.ts';
import { anyElement, isPresent, numberOf, textOf } from './event-values.ts';
import { checkAgainstKind, type Modifiers, parseModifiers, type Scalar, shown, type ValueModifier, valuesOf } from './field-modifiers.ts';
import { compilePattern, type TextTest } from './pattern-test.ts';
import { expandPlaceholders, NO_PLACEHOLDERS, type Placeholders } from './placeholders.ts';
import { NO_REQUIREMENTS, type Requirements } from './requirements.ts';
import { RuleProblem } from './rule-refusal.ts';
import { anchoredPattern, foldPattern, literalOf, parseSigmaString } from './sigma-string.ts';

export type EventPredicate = (event: CanonicalEvent) => boolean;

/** A compiled part of a rule: whether an event matches it, and what an event must hold to have a chance. */
export interface CompiledCondition {
  matches: EventPredicate;
  requires: Requirements;
}

type ElementTest = (element: unknown) => boolean;
/** A test of a field's whole value (a list is searched element by element inside). */
type FieldTest = (value: unknown) => boolean;

/**
 * What one rule value asks of the field: to be absent (`null`), to hold a text that fits (compared
 * case-folded unless `cased`; `literal` when it has no wildcard), or an element that passes a test.
 */
type ValueCheck = { kind: 'absent' } | { kind: 'text'; test: TextTest; literal: string | null } | { kind: 'element'; test: ElementTest };

/** `key` is the selection's map key (`field|mod|mod`), `raw` its YAML value; `placeholders` what `expand` replaces. */
export function compileFieldCondition(key: string, raw: unknown, placeholders: Placeholders = NO_PLACEHOLDERS): CompiledCondition {
  const [name = '', ...modifierNames] = key.split('|');
  if (name === '') throw new RuleProblem('field-less (keyword) search is not supported: name the field to search (e.g. requestURI|contains)');
  const field = resolveField(name);
  if ('error' in field) throw new RuleProblem(field.error);
  const modifiers = parseModifiers(modifierNames);
  const values = valuesOf(modifiers.expand ? expandPlaceholders(raw, placeholders) : raw, modifiers);
  if (modifiers.value === 'fieldref') return { matches: fieldReference(field, values as string[], modifiers), requires: NO_REQUIREMENTS };
  checkAgainstKind(field.kind, modifiers, values);
  const test = fieldTest(modifiers, values);
  const read = field.read;
  return { matches: (event) => test(read(event)), requires: requirementsOf(field.column, field.kind, modifiers, values) };
}

/**
 * A plain match of a text column against values without wildcards requires the column to equal one
 * of them. Folded even when `cased`: requirements may admit more than the rule, never less.
 */
function requirementsOf(column: string | null, kind: ColumnKind, modifiers: Modifiers, values: readonly Scalar[]): Requirements {
  if (column === null || kind !== 'string' || modifiers.value !== null || modifiers.all) return NO_REQUIREMENTS;
  const literals = values.map((value) => (typeof value === 'string' ? literalOf(parseSigmaString(value)) : null));
  if (literals.some((literal) => literal === null)) return NO_REQUIREMENTS;
  return new Map([[column, new Set((literals as string[]).map(foldCase))]]);
}

function fieldTest(modifiers: Modifiers, values: readonly Scalar[]): FieldTest {
  if (modifiers.value === 'exists') {
    const wanted = values[0] === true;
    return (value) => isPresent(value) === wanted;
  }
  if (modifiers.value === 'cidr' && !modifiers.all) {
    // One lookup in all the networks rather than one per network.
    const inNetworks = compileCidrs(values.map((value) => networkOf(value as string)));
    return (value) => anyElement(value, (element) => typeof element === 'string' && inNetworks(element));
  }
  const { cased, regexFlags } = modifiers;
  const modifier = modifiers.value as Exclude<ValueModifier, 'exists' | 'fieldref'> | null;
  const checks = values.map((value) => valueCheck(value, modifier, cased, regexFlags));
  if (!modifiers.all) return anyOf(checks, cased);
  const each = checks.map((check) => anyOf([check], cased));
  return (value) => {
    for (const test of each) if (!test(value)) return false;
    return true;
  };
}

function valueCheck(value: Scalar, modifier: Exclude<ValueModifier, 'exists' | 'fieldref'> | null, cased: boolean, regexFlags: string): ValueCheck {
  switch (modifier) {
    case null:
      return plainCheck(value, cased);
    case 'contains':
    case 'startswith':
    case 'endswith':
      return textCheck(anchoredPattern(parseSigmaString(String(value)), modifier), cased);
    case 're':
      return { kind: 'element', test: regexTest(value as string, regexFlags) };
    case 'cidr': {
      const inNetwork = compileCidrs([networkOf(value as string)]);
      return { kind: 'element', test: (element) => typeof element === 'string' && inNetwork(element) };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { kind: 'element', test: comparisonTest(modifier, value) };
  }
}

function plainCheck(value: Scalar, cased: boolean): ValueCheck {
  if (value === null) return { kind: 'absent' };
  if (typeof value === 'string') return textCheck(parseSigmaString(value), cased);
  if (typeof value === 'number') return { kind: 'element', test: (element) => numberOf(element) === value };
  const text = String(value);
  return { kind: 'element', test: (element) => element === value || (typeof element === 'string' && foldCase(element) === text) };
}

function textCheck(pattern: ReturnType<typeof parseSigmaString>, cased: boolean): ValueCheck {
  const compared = cased ? pattern : foldPattern(pattern);
  return { kind: 'text', test: compilePattern(compared), literal: literalOf(compared) };
}

/**
 * Checks OR'ed: the field is absent (when a value is null), or some element passes some check. An
 * element's text is case-folded once for all text checks, and values without wildcards are one set lookup.
 */
function anyOf(checks: readonly ValueCheck[], cased: boolean): FieldTest {
  const wantsAbsent = checks.some((check) => check.kind === 'absent');
  const literals = new Set<string>();
  const patterns: TextTest[] = [];
  const others: ElementTest[] = [];
  for (const check of checks) {
    if (check.kind === 'text' && check.literal !== null) literals.add(check.literal);
    else if (check.kind === 'text') patterns.push(check.test);
    else if (check.kind === 'element') others.push(check.test);
  }
  const hasText = literals.size > 0 || patterns.length > 0;
  const elementPasses: ElementTest = (element) => {
    if (hasText) {
      const text = textOf(element);
      if (text !== null) {
        const compared = cased ? text : foldCase(text);
        if (literals.has(compared)) return true;
        for (const test of patterns) if (test(compared)) return true;
      }
    }
    for (const test of others) if (test(element)) return true;
    return false;
  };
  if (wantsAbsent) return (value) => !isPresent(value) || anyElement(value, elementPasses);
  return (value) => anyElement(value, elementPasses);
}

function networkOf(text: string): Exclude<ReturnType<typeof parseCidr>, { error: string }> {
  const network = parseCidr(text);
  if ('error' in network) throw new RuleProblem(`cidr ${network.error}`);
  return network;
}

/** A `re` value, with the sub-modifiers as flags. A leading inline `(?i)`, `(?s)`, `(?m)` (PCRE style) becomes flags too. */
function regexTest(source: string, subModifiers: string): ElementTest {
  const inline = /^\(\?([ims]+)\)/.exec(source);
  const pattern = inline ? source.slice(inline[0].length) : source;
  const flags = [...new Set(subModifiers + (inline?.[1] ?? ''))].sort().join('');
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    throw new RuleProblem(`re ${shown(source)} does not compile as a JavaScript regular expression (${(error as Error).message})`);
  }
  return (element) => {
    const text = textOf(element);
    return text !== null && regex.test(text);
  };
}

const COMPARISONS = {
  gt: (number: number, bound: number) => number > bound,
  gte: (number: number, bound: number) => number >= bound,
  lt: (number: number, bound: number) => number < bound,
  lte: (number: number, bound: number) => number <= bound,
} as const;

function comparisonTest(modifier: keyof typeof COMPARISONS, value: Scalar): ElementTest {
  const bound = numberOf(value);
  if (bound === null) throw new RuleProblem(`${modifier} compares numbers, got ${shown(value)}`);
  const compare = COMPARISONS[modifier];
  return (element) => {
    const number = numberOf(element);
    return number !== null && compare(number, bound);
  };
}

/**
 * `fieldref`: the field holds a value equal to one the referenced field holds (every referenced
 * field, with `all`), compared as text and case-folded unless `cased`. An absent field equals
 * nothing, not even another absent one.
 */
function fieldReference(field: ResolvedField, names: readonly string[], modifiers: Modifiers): EventPredicate {
  const fold = modifiers.cased ? (text: string) => text : foldCase;
  const references = names.map((name) => {
    const referenced = resolveField(name);
    if ('error' in referenced) throw new RuleProblem(`fieldref: ${referenced.error}`);
    return referenced.read;
  });
  const read = field.read;
  const holdsOneOf = (texts: ReadonlySet<string>, value: unknown) =>
    anyElement(value, (element) => {
      const text = textOf(element);
      return text !== null && texts.has(fold(text));
    });
  return (event) => {
    const texts = new Set<string>();
    anyElement(read(event), (element) => {
      const text = textOf(element);
      if (text !== null) texts.add(fold(text));
      return false; // visit every element
    });
    if (texts.size === 0) return false;
    return modifiers.all ? references.every((reference) => holdsOneOf(texts, reference(event))) : references.some((reference) => holdsOneOf(texts, reference(event)));
  };
}
