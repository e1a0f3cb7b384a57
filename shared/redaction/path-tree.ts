import { ANY, type PathSegment } from './json-path.ts';
import { isRecord, mapItems, mapKeys, mapValues } from './json-value.ts';

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
  /** The value here is JSON text (an annotation): redact inside it with this node. */
  readonly json: PathNode | null;
}

export const REDACT_ALL: PathNode = node(true, new Map(), null, null);

/** A node for the value at `segments` below it, handled by `leaf`. */
export function nodeAtPath(segments: readonly PathSegment[], leaf: PathNode): PathNode {
  return segments.reduceRight<PathNode>(
    (child, segment) => (segment === ANY ? node(false, new Map(), child, null) : node(false, new Map([[segment, child]]), null, null)),
    leaf,
  );
}

/** A node whose value is JSON text, redacted inside with `inner`. */
export function jsonTextNode(inner: PathNode): PathNode {
  return node(false, new Map(), null, inner);
}

export function mergeNodes(...nodes: (PathNode | null)[]): PathNode | null {
  return nodes.reduce<PathNode | null>((merged, next) => mergeTwo(merged, next), null);
}

function mergeTwo(a: PathNode | null, b: PathNode | null): PathNode | null {
  if (a === null || a === b) return b;
  if (b === null) return a;
  const keys = new Map(a.keys);
  for (const [key, child] of b.keys) keys.set(key, mergeTwo(keys.get(key) ?? null, child) as PathNode);
  return node(a.redact || b.redact, keys, mergeTwo(a.any, b.any), mergeTwo(a.json, b.json));
}

function node(redact: boolean, keys: Map<string, PathNode>, any: PathNode | null, json: PathNode | null): PathNode {
  if (any) for (const [key, child] of keys) keys.set(key, mergeTwo(child, any) as PathNode);
  return { redact, keys, any, json };
}

/** The node for what a JSON pointer (`/data/password`) addresses; null when no path reaches it. */
export function nodeAtPointer(root: PathNode, pointer: string): PathNode | null {
  if (pointer === '') return root;
  // Not a pointer at all: nothing tells where its value would go, so it is treated as secret.
  if (!pointer.startsWith('/')) return REDACT_ALL;
  let current: PathNode | null = root;
  for (const part of pointer.slice(1).split('/')) {
    if (current.redact) return current;
    current = current.keys.get(part.replace(/~1/g, '/').replace(/~0/g, '~')) ?? current.any;
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

function redactJsonText(text: string, inner: PathNode): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON text that does not parse (cut short, say) cannot be redacted field by field.
    return REDACTED;
  }
  const redacted = redactValue(parsed, inner);
  return redacted === parsed ? text : `${JSON.stringify(redacted)}${text.endsWith('\n') ? '\n' : ''}`;
}
