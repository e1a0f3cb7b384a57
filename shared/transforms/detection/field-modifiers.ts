/**
 * The modifiers and values of one selection entry, read and checked: which modifiers, whether they
 * go together, whether the values are ones they can take, and whether a value could ever match what
 * the field holds. Anything wrong is thrown as a RuleProblem naming it.
 */
import type { ColumnKind } from '../../schema/columns.ts';
import { isNumericText } from './event-values.ts';
import { RuleProblem } from './rule-refusal.ts';
import { literalOf, parseSigmaString } from './sigma-string.ts';

export type Scalar = string | number | boolean | null;

const VALUE_MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'cidr', 'exists', 'fieldref', 'gt', 'gte', 'lt', 'lte'] as const;
export type ValueModifier = (typeof VALUE_MODIFIERS)[number];
const REGEX_FLAGS = ['i', 'm', 's'] as const;
const SUPPORTED = 'contains, startswith, endswith, all, re (with i, m, s), cidr, exists, fieldref, cased, expand, gt, gte, lt, lte';

/** Sigma modifiers kaudit recognises but does not evaluate, with what they are. */
const UNSUPPORTED_MODIFIERS: ReadonlyMap<string, string> = new Map([
  ['base64', 'an encoding'],
  ['base64offset', 'an encoding'],
  ['utf16', 'an encoding'],
  ['utf16le', 'an encoding'],
  ['utf16be', 'an encoding'],
  ['wide', 'an encoding'],
  ['windash', 'Windows command-line dash variants'],
  ['neq', 'a negated comparison; use "not" in the condition'],
  ['minute', 'a time part'],
  ['hour', 'a time part'],
  ['day', 'a time part'],
  ['week', 'a time part'],
  ['month', 'a time part'],
  ['year', 'a time part'],
]);

export interface Modifiers {
  value: ValueModifier | null;
  all: boolean;
  cased: boolean;
  /** Values hold `%placeholder%`s, replaced by the values given when the rule compiles. */
  expand: boolean;
  regexFlags: string;
}

export function parseModifiers(names: readonly string[]): Modifiers {
  const modifiers: Modifiers = { value: null, all: false, cased: false, expand: false, regexFlags: '' };
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new RuleProblem(`modifier "${name}" is given twice`);
    seen.add(name);
    if ((VALUE_MODIFIERS as readonly string[]).includes(name)) {
      if (modifiers.value !== null) throw new RuleProblem(`modifiers "${modifiers.value}" and "${name}" cannot be combined`);
      modifiers.value = name as ValueModifier;
    } else if (name === 'all') modifiers.all = true;
    else if (name === 'cased') modifiers.cased = true;
    else if (name === 'expand') modifiers.expand = true;
    else if ((REGEX_FLAGS as readonly string[]).includes(name)) modifiers.regexFlags += name;
    else if (UNSUPPORTED_MODIFIERS.has(name)) throw new RuleProblem(`modifier "${name}" (${UNSUPPORTED_MODIFIERS.get(name)}) is not supported (supported: ${SUPPORTED})`);
    else throw new RuleProblem(`unknown modifier "${name}" (supported: ${SUPPORTED})`);
  }
  if (modifiers.regexFlags !== '' && modifiers.value !== 're') throw new RuleProblem(`modifier "${modifiers.regexFlags[0]}" applies to "re" only`);
  if (modifiers.cased && !isStringMatch(modifiers.value)) {
    throw new RuleProblem(
      `modifier "cased" applies to plain, contains, startswith, endswith and fieldref matches, not "${modifiers.value}"${modifiers.value === 're' ? ' (re is case-sensitive unless "i")' : ''}`,
    );
  }
  if (modifiers.all && modifiers.value === 'exists') throw new RuleProblem('modifier "all" cannot be combined with "exists"');
  if (modifiers.expand && (modifiers.value === 'exists' || modifiers.value === 'fieldref')) throw new RuleProblem(`modifier "expand" cannot be combined with "${modifiers.value}"`);
  return modifiers;
}

function isStringMatch(modifier: ValueModifier | null): boolean {
  return modifier === null || modifier === 'contains' || modifier === 'startswith' || modifier === 'endswith' || modifier === 'fieldref';
}

export function valuesOf(raw: unknown, modifiers: Modifiers): Scalar[] {
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new RuleProblem('an empty list of values matches nothing: give at least one value');
  for (const value of values) {
    if (!isScalar(value)) throw new RuleProblem(`values must be strings, numbers, booleans or null, got ${shown(value)}`);
  }
  if (modifiers.all && values.length < 2) throw new RuleProblem('modifier "all" needs a list of two or more values');
  const allowed = allowedTypes(modifiers.value);
  for (const value of values as Scalar[]) {
    const type = value === null ? 'null' : typeof value;
    if (!allowed.includes(type)) throw new RuleProblem(`${modifiers.value ?? 'a plain match'} takes ${allowed.join(' or ')} values, got ${shown(value)}`);
  }
  if (modifiers.value === 'exists' && Array.isArray(raw)) throw new RuleProblem('"exists" takes a single true or false, not a list');
  return values as Scalar[];
}

function allowedTypes(modifier: ValueModifier | null): readonly string[] {
  switch (modifier) {
    case null:
      return ['string', 'number', 'boolean', 'null'];
    case 'contains':
    case 'startswith':
    case 'endswith':
      return ['string', 'number'];
    case 're':
    case 'cidr':
    case 'fieldref':
      return ['string'];
    case 'exists':
      return ['boolean'];
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ['number', 'string'];
  }
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Refuses values that can never match what the field holds: silence would hide a broken rule. */
export function checkAgainstKind(kind: ColumnKind, modifiers: Modifiers, values: readonly Scalar[]): void {
  const numeric = kind === 'integer' || kind === 'number';
  if (!numeric && kind !== 'boolean') return;
  const holds = numeric ? 'numbers' : 'true or false';
  if (modifiers.value === 'cidr' || (kind === 'boolean' && isComparison(modifiers.value))) {
    throw new RuleProblem(`"${modifiers.value}" can never match: the field holds ${holds}`);
  }
  if (modifiers.value !== null) return;
  for (const value of values) {
    const literal = typeof value === 'string' ? literalOf(parseSigmaString(value)) : null;
    const fits = numeric
      ? typeof value === 'number' || value === null || (typeof value === 'string' && (literal === null || isNumericText(literal)))
      : typeof value === 'boolean' || value === null || (typeof value === 'string' && (literal === null || /^(true|false)$/i.test(literal)));
    if (!fits) throw new RuleProblem(`value ${shown(value)} can never match: the field holds ${holds}`);
  }
}

function isComparison(modifier: ValueModifier | null): boolean {
  return modifier === 'gt' || modifier === 'gte' || modifier === 'lt' || modifier === 'lte';
}

/** A rule value as a message shows it: JSON, cut short. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
