/**
 * A rule's `detection` block compiled into one predicate: each selection (a map: every field
 * holds; a list of maps: one map holds) and the condition over them, with what an event must hold
 * for it to fire. Every problem is collected, each named by where it is
 * (`detection.selection.verb|re: …`), so one run tells the whole story.
 */
import { CONDITION_KEYWORDS, type ConditionNode, parseCondition } from './condition.ts';
import { type CompiledCondition, compileFieldCondition } from './field-condition.ts';
import { shown } from './field-modifiers.ts';
import { compilePattern } from './pattern-test.ts';
import { NO_PLACEHOLDERS, type Placeholders } from './placeholders.ts';
import { allRequirements, anyRequirements, NO_REQUIREMENTS } from './requirements.ts';
import { RuleProblem } from './rule-refusal.ts';
import { parseSigmaString } from './sigma-string.ts';

export function compileDetection(detection: Readonly<Record<string, unknown>>, placeholders: Placeholders = NO_PLACEHOLDERS): CompiledCondition | { problems: string[] } {
  const problems: string[] = [];
  const selections = new Map<string, CompiledCondition>();
  const names: string[] = [];
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      problems.push('detection.timeframe is not supported: it belongs to correlation, and kaudit evaluates one event at a time');
      continue;
    }
    names.push(name);
    const selection = compileSelection(name, body, placeholders, problems);
    if (selection) selections.set(name, selection);
  }
  const condition = compileConditions(detection.condition, names, selections, problems);
  if (problems.length > 0 || condition === null) return { problems };
  return condition;
}

function compileSelection(name: string, body: unknown, placeholders: Placeholders, problems: string[]): CompiledCondition | null {
  const where = `detection.${name}`;
  if (isMap(body)) return compileMap(where, body, placeholders, problems);
  if (Array.isArray(body) && body.length > 0 && body.every(isMap)) {
    const alternatives = body.map((map, index) => compileMap(`${where}[${index}]`, map, placeholders, problems));
    if (alternatives.some((alternative) => alternative === null)) return null;
    return anyOf(alternatives as CompiledCondition[]);
  }
  if (Array.isArray(body) && body.length === 0) problems.push(`${where}: an empty list selects nothing`);
  else if (Array.isArray(body) && body.some(isMap)) problems.push(`${where}: a list must hold only maps of fields (a list of plain values is a keyword search)`);
  else problems.push(`${where}: keyword (field-less) search is not supported: name the field to search (e.g. requestURI|contains: …)`);
  return null;
}

function compileMap(where: string, map: Readonly<Record<string, unknown>>, placeholders: Placeholders, problems: string[]): CompiledCondition | null {
  const entries = Object.entries(map);
  if (entries.length === 0) {
    problems.push(`${where}: an empty map selects nothing`);
    return null;
  }
  const fields: CompiledCondition[] = [];
  for (const [key, value] of entries) {
    try {
      fields.push(compileFieldCondition(key, value, placeholders));
    } catch (error) {
      if (!(error instanceof RuleProblem)) throw error;
      problems.push(`${where}.${key}: ${error.message}`);
    }
  }
  return fields.length === entries.length ? allOf(fields) : null;
}

/** The condition, or a list of conditions (any of which fires the rule). */
function compileConditions(condition: unknown, names: readonly string[], selections: ReadonlyMap<string, CompiledCondition>, problems: string[]): CompiledCondition | null {
  if (condition === undefined) {
    problems.push('detection.condition is required');
    return null;
  }
  const texts = Array.isArray(condition) ? condition : [condition];
  if (texts.length === 0 || !texts.every((text) => typeof text === 'string')) {
    problems.push(`detection.condition must be a text or a list of texts, got ${shown(condition)}`);
    return null;
  }
  const compiled: CompiledCondition[] = [];
  for (const text of texts as string[]) {
    try {
      compiled.push(compileNode(parseCondition(text), names, selections));
    } catch (error) {
      if (!(error instanceof RuleProblem)) throw error;
      problems.push(error.message);
    }
  }
  return compiled.length === texts.length ? anyOf(compiled) : null;
}

function compileNode(node: ConditionNode, names: readonly string[], selections: ReadonlyMap<string, CompiledCondition>): CompiledCondition {
  switch (node.kind) {
    case 'or':
      return anyOf(node.items.map((item) => compileNode(item, names, selections)));
    case 'and':
      return allOf(node.items.map((item) => compileNode(item, names, selections)));
    case 'not': {
      const item = compileNode(node.item, names, selections).matches;
      return { matches: (event) => !item(event), requires: NO_REQUIREMENTS };
    }
    case 'selection':
      return selectionNamed(node.name, names, selections);
    case 'of': {
      const matching = namesMatching(node.pattern, names);
      if (matching.length === 0) throw new RuleProblem(`condition: "${node.quantity} of ${node.pattern ?? 'them'}" names no selection`);
      const items = matching.map((name) => selectionNamed(name, names, selections));
      if (node.quantity === 'all') return allOf(items);
      if (node.quantity === 1) return anyOf(items);
      if (node.quantity > items.length) throw new RuleProblem(`condition: "${node.quantity} of ${node.pattern ?? 'them'}" can never hold: only ${items.length} selections match`);
      return atLeast(node.quantity, items);
    }
  }
}

/** Every name is checked, even when its selection failed to compile, so that all problems are reported. */
function selectionNamed(name: string, names: readonly string[], selections: ReadonlyMap<string, CompiledCondition>): CompiledCondition {
  if (!names.includes(name)) {
    const hint = CONDITION_KEYWORDS.has(name.toLowerCase()) ? ' (condition keywords are lower case)' : '';
    throw new RuleProblem(`condition names "${name}", which is no selection of detection${hint}`);
  }
  // A selection that failed to compile is already a problem of the rule, which will not load.
  return selections.get(name) ?? { matches: () => false, requires: NO_REQUIREMENTS };
}

/** Selection names a pattern matches (`*` any run, `?` one character); `them` is every name not starting with `_`. */
function namesMatching(pattern: string | null, names: readonly string[]): string[] {
  if (pattern === null) return names.filter((name) => !name.startsWith('_'));
  const test = compilePattern(parseSigmaString(pattern));
  return names.filter((name) => test(name));
}

function anyOf(items: readonly CompiledCondition[]): CompiledCondition {
  if (items.length === 1) return items[0] as CompiledCondition;
  const predicates = items.map((item) => item.matches);
  return {
    matches: (event) => {
      for (const predicate of predicates) if (predicate(event)) return true;
      return false;
    },
    requires: anyRequirements(items.map((item) => item.requires)),
  };
}

function allOf(items: readonly CompiledCondition[]): CompiledCondition {
  if (items.length === 1) return items[0] as CompiledCondition;
  const predicates = items.map((item) => item.matches);
  return {
    matches: (event) => {
      for (const predicate of predicates) if (!predicate(event)) return false;
      return true;
    },
    requires: allRequirements(items.map((item) => item.requires)),
  };
}

/** At least `count` of the items: requires only what every item requires, as any subset may hold. */
function atLeast(count: number, items: readonly CompiledCondition[]): CompiledCondition {
  const predicates = items.map((item) => item.matches);
  return {
    matches: (event) => {
      let held = 0;
      for (const predicate of predicates) if (predicate(event) && ++held >= count) return true;
      return false;
    },
    requires: anyRequirements(items.map((item) => item.requires)),
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
