import { nestsDeeperThan } from '../../core/json-text.ts';
import { isRecord, mapItems, mapKeys, mapValues } from '../../core/json-value.ts';
import { MAX_JSON_DEPTH } from '../../core/limits.ts';
import { ANY, type PathSegment } from './json-path.ts';

/** What stands in for a redacted value. Keys stay, so analysts still see which fields were there. */
export const REDACTED = '[REDACTED]';

/**
 * A set of field paths merged into a tree, walked alongside a JSON value. Built once; a node with
 * `any` has that subtree merged into each of its named children, so a walk follows one node.
 */
export interface PathNode {
  /** Every scalar at or below this point is replaced. */
  readonly redact: boolean;
  readonly keys: ReadonlyMap<string, PathNode>;
  readonly any: PathNode | null;
  /** Children for the keys that match a pattern, merged with the named or `any` child when walked. */
  readonly patterns: readonly { readonly keys: RegExp; readonly node: PathNode }[];
  /** The value here is JSON text (an annotation): redact inside it with this node. */
  readonly json: PathNode | null;
}

export const REDACT_ALL: PathNode = node(true, new Map(), null, [], null);

/** A node for the value at `segments` below it, handled by `leaf`. */
export function nodeAtPath(segments: readonly PathSegment[], leaf: PathNode): PathNode {
  return segments.reduceRight<PathNode>((child, segment) => {
    if (segment === ANY) return node(false, new Map(), child, [], null);
    if (typeof segment === 'string') return node(false, new Map([[segment, child]]), null, [], null);
    return node(false, new Map(), null, [{ keys: segment.keys, node: child }], null);
  }, leaf);
}

/** A node whose value is JSON text, redacted inside with `inner`. */
export function jsonTextNode(inner: PathNode): PathNode {
  return node(false, new Map(), null, [], inner);
}

export function mergeNodes(...nodes: (PathNode | null)[]): PathNode | null {
  return nodes.reduce<PathNode | null>((merged, next) => mergeTwo(merged, next), null);
}

function mergeTwo(a: PathNode | null, b: PathNode | null): PathNode | null {
  if (a === null || a === b) return b;
  if (b === null) return a;
  const keys = new Map(a.keys);
  for (const [key, child] of b.keys) keys.set(key, mergeTwo(keys.get(key) ?? null, child) as PathNode);
  return node(a.redact || b.redact, keys, mergeTwo(a.any, b.any), [...a.patterns, ...b.patterns], mergeTwo(a.json, b.json));
}

function node(redact: boolean, keys: Map<string, PathNode>, any: PathNode | null, patterns: PathNode['patterns'], json: PathNode | null): PathNode {
  if (any) for (const [key, child] of keys) keys.set(key, mergeTwo(child, any) as PathNode);
  return { redact, keys, any, patterns, json };
}

/** The node for the value under `key` of an object at `at`; null when no path goes there. */
function childOf(at: PathNode, key: string): PathNode | null {
  const named = at.keys.get(key) ?? at.any;
  if (at.patterns.length === 0) return named;
  // Patterns are rare (opt-in rules): merged per matching key rather than kept merged.
  return mergeNodes(named, ...at.patterns.filter((pattern) => pattern.keys.test(key)).map((pattern) => pattern.node));
}

/** The node for what a JSON pointer (`/data/password`) addresses; null when no path reaches it. */
export function nodeAtPointer(root: PathNode, pointer: string): PathNode | null {
  if (pointer === '') return root;
  // Not a pointer at all: nothing tells where its value would go, so it is treated as secret.
  if (!pointer.startsWith('/')) return REDACT_ALL;
  let current: PathNode | null = root;
  for (const part of pointer.slice(1).split('/')) {
    if (current.redact) return current;
    current = childOf(current, part.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (current === null) return null;
  }
  return current;
}

/** `value` with what `node` selects redacted; `value` itself when nothing is. */
export function redactValue(value: unknown, at: PathNode): unknown {
  if (at.redact) return redactLeaves(value);
  if (typeof value === 'string') return at.json ? redactJsonText(value, at.json) : value;
  if (Array.isArray(value)) {
    if (at.any === null && at.keys.size === 0) return value;
    return mapItems(value, (item, index) => {
      const child = at.keys.get(String(index)) ?? at.any;
      return child ? redactValue(item, child) : item;
    });
  }
  if (!isRecord(value)) return value;
  const any = at.any;
  if (at.patterns.length > 0) {
    return mapValues(value, (item, key) => {
      const child = childOf(at, key);
      return child ? redactValue(item, child) : item;
    });
  }
  if (any) return mapValues(value, (item, key) => redactValue(item, at.keys.get(key) ?? any));
  return mapKeys(value, at.keys.keys(), (item, key) => redactValue(item, at.keys.get(key) as PathNode));
}

/** A JSON Patch (RFC 6902) with each operation's value redacted as the place it writes to asks. */
export function redactJsonPatch(operations: readonly unknown[], root: PathNode): readonly unknown[] {
  return mapItems(operations, (operation) => {
    if (!isRecord(operation) || !Object.hasOwn(operation, 'value')) return operation;
    const target = typeof operation.path === 'string' ? nodeAtPointer(root, operation.path) : REDACT_ALL;
    return target ? mapKeys(operation, ['value'], (value) => redactValue(value, target)) : operation;
  });
}

/** Every scalar replaced by the marker; null stays null (it hides nothing). */
export function redactLeaves(value: unknown): unknown {
  if (value === null || value === REDACTED) return value;
  if (Array.isArray(value)) return mapItems(value, redactLeaves);
  if (isRecord(value)) return mapValues(value, redactLeaves);
  return REDACTED;
}

/**
 * JSON text (an annotation) parsed, changed by `change` and written back; replaced whole when
 * `change` redacts the whole value, or when it cannot be walked: text that does not parse (cut
 * short, say) cannot be redacted field by field, and text nested deeper than any object would
 * overflow the stack.
 */
export function rewriteJsonText(text: string, change: (parsed: unknown) => unknown): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return REDACTED;
  }
  if (nestsDeeperThan(parsed, MAX_JSON_DEPTH)) return REDACTED;
  const changed = change(parsed);
  if (changed === REDACTED) return REDACTED;
  return changed === parsed ? text : `${JSON.stringify(changed)}${text.endsWith('\n') ? '\n' : ''}`;
}

function redactJsonText(text: string, inner: PathNode): string {
  return rewriteJsonText(text, (parsed) => redactValue(parsed, inner));
}
