/**
 * Field names of a rule → readers over the canonical event, resolved once when the rule compiles.
 * A rule names audit.k8s.io/v1 Event paths (`objectRef.resource`, `user.username`,
 * `annotations.<key>`, `requestObject.<path>`…) or canonical columns (`object_resource`, `src_ip`…).
 */
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { CANONICAL_COLUMNS, type ColumnKind } from '../../schema/columns.ts';

/** A field's value in an event: a scalar, a JSON object, a list (matched element by element), or null/undefined when absent. */
export type FieldReader = (event: CanonicalEvent) => unknown;

export interface ResolvedField {
  read: FieldReader;
  /** What the field holds; `json` when only the event can tell (paths into request and response bodies). */
  kind: ColumnKind;
  /** The canonical column read as it is, or null when the value is derived (a map key, a path, objectRef.apiGroup). */
  column: Column | null;
}

type Column = keyof CanonicalEvent;

/** Event paths that are one canonical column each. */
const EVENT_PATH_COLUMNS = {
  auditID: 'audit_id',
  stage: 'stage',
  level: 'level',
  verb: 'verb',
  requestURI: 'request_uri',
  userAgent: 'user_agent',
  sourceIPs: 'source_ips',
  requestReceivedTimestamp: 'start_time',
  stageTimestamp: 'time',
  'user.username': 'user_name',
  'user.uid': 'user_uid',
  'user.groups': 'user_groups',
  'impersonatedUser.username': 'impersonated_user_name',
  'impersonatedUser.groups': 'impersonated_user_groups',
  'objectRef.resource': 'object_resource',
  'objectRef.subresource': 'object_subresource',
  'objectRef.namespace': 'object_namespace',
  'objectRef.name': 'object_name',
  'objectRef.uid': 'object_uid',
  'objectRef.apiVersion': 'object_api_version',
  'objectRef.resourceVersion': 'object_resource_version',
  'responseStatus.code': 'response_code',
  'responseStatus.status': 'response_status',
  'responseStatus.reason': 'response_reason',
  'responseStatus.message': 'response_message',
} as const satisfies Record<string, Column>;

/**
 * JSON-valued fields, under their Event name and their column name. After `key` prefixes the whole
 * rest of the name is one map key (annotation keys hold dots and slashes); after `path` prefixes the
 * rest is a dotted path walked through objects, fanning out over arrays.
 */
const JSON_FIELDS: readonly { names: readonly string[]; column: Column; walk: 'key' | 'path'; kind: ColumnKind }[] = [
  { names: ['annotations'], column: 'annotations', walk: 'key', kind: 'string' },
  { names: ['user.extra', 'user_extra'], column: 'user_extra', walk: 'key', kind: 'string_array' },
  { names: ['requestObject', 'request_object'], column: 'request_object', walk: 'path', kind: 'json' },
  { names: ['responseObject', 'response_object'], column: 'response_object', walk: 'path', kind: 'json' },
];

const COLUMN_KINDS: ReadonlyMap<string, ColumnKind> = new Map(CANONICAL_COLUMNS.map((column) => [column.name, column.kind]));

/** Event fields the canonical event does not keep, and so no rule can test. */
const NOT_KEPT = new Set(['kind', 'apiVersion', 'impersonatedUser.uid', 'impersonatedUser.extra', 'responseStatus.details', 'responseStatus.metadata']);

export function resolveField(name: string): ResolvedField | { error: string } {
  if (Object.hasOwn(EVENT_PATH_COLUMNS, name)) return columnField(EVENT_PATH_COLUMNS[name as keyof typeof EVENT_PATH_COLUMNS]);
  // The canonical event writes the core group `core`; audit events and Sigma rules write "".
  if (name === 'objectRef.apiGroup') return { read: (event) => (event.object_api_group === 'core' ? '' : event.object_api_group), kind: 'string', column: null };
  for (const json of JSON_FIELDS) {
    for (const prefix of json.names) {
      if (name === prefix) return columnField(json.column);
      if (!name.startsWith(`${prefix}.`)) continue;
      const rest = name.slice(prefix.length + 1);
      if (rest === '') return { error: `field "${name}" ends with a dot: name a ${json.walk === 'key' ? 'key' : 'path'} after "${prefix}."` };
      if (json.walk === 'path' && rest.split('.').includes('')) return { error: `field "${name}" has an empty path segment (two dots in a row, or a dot at the end)` };
      return json.walk === 'key' ? keyField(json.column, rest, json.kind) : pathField(json.column, rest);
    }
  }
  if (COLUMN_KINDS.has(name)) return columnField(name as Column);
  return { error: unknownFieldMessage(name) };
}

function columnField(column: Column): ResolvedField {
  return { read: (event) => event[column], kind: COLUMN_KINDS.get(column) ?? 'json', column };
}

function keyField(column: Column, key: string, kind: ColumnKind): ResolvedField {
  return {
    read: (event) => {
      const map = event[column] as Record<string, unknown> | null;
      return map !== null && typeof map === 'object' && Object.hasOwn(map, key) ? map[key] : undefined;
    },
    kind,
    column: null,
  };
}

function pathField(column: Column, path: string): ResolvedField {
  const segments = path.split('.');
  const indexes = segments.map((segment) => (/^(0|[1-9]\d{0,8})$/.test(segment) ? Number(segment) : -1));
  return { read: (event) => walk(event[column], segments, indexes, 0), kind: 'json', column: null };
}

/**
 * The value at segments[from..] below `value`. An array met on the way fans out: the rest of the
 * path is walked from each element and the results come back as a list (a segment that is a
 * number indexes the array instead). Only own properties are read, so `constructor` or
 * `__proto__` in a rule never reach Object.prototype.
 */
function walk(value: unknown, segments: readonly string[], indexes: readonly number[], from: number): unknown {
  let current = value;
  for (let at = from; at < segments.length; at++) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      const index = indexes[at] as number;
      if (index >= 0) {
        current = current[index];
        continue;
      }
      const items = current;
      return items.map((item) => walk(item, segments, indexes, at));
    }
    const segment = segments[at] as string;
    current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current;
}

function unknownFieldMessage(name: string): string {
  if (NOT_KEPT.has(name)) return `field "${name}" is not kept by kaudit's canonical event, so no rule can test it`;
  const known = [...Object.keys(EVENT_PATH_COLUMNS), 'objectRef.apiGroup'];
  const children = (parent: string) => known.filter((path) => path.startsWith(`${parent}.`)).map((path) => path.slice(parent.length + 1));
  if (children(name).length > 0) {
    const hint = name === 'objectRef' ? ' (is_resource_request says whether the event has one)' : '';
    return `field "${name}" is an object: name one of its fields (${children(name).join(', ')})${hint}`;
  }
  const suffixOf = known.filter((path) => path.endsWith(`.${name}`));
  if (suffixOf.length > 0) return `unknown field "${name}": not an audit Event field; did you mean ${suffixOf.map((path) => `"${path}"`).join(' or ')}?`;
  const parent = name.slice(0, Math.max(name.indexOf('.'), 0));
  if (children(parent).length > 0) return `unknown field "${name}": the audit Event's ${parent} has ${children(parent).join(', ')}`;
  return `unknown field "${name}": neither an audit Event field (verb, objectRef.resource, user.username, annotations.<key>, requestObject.<path>…) nor a canonical column; fields of the object sent are under requestObject. (e.g. requestObject.spec.hostNetwork)`;
}
