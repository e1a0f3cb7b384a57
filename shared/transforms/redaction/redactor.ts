import { isRecord, type JsonRecord, mapItems, mapKeys } from '../../core/json-value.ts';
import { apiGroupOf, compileGroupResources, type ResourceTarget } from '../../core/resource-match.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import type { EventTransform } from '../transform.ts';
import { ANY, type PathSegment } from './json-path.ts';
import {
  jsonTextNode,
  mergeNodes,
  nodeAtPath,
  nodeAtPointer,
  type PathNode,
  REDACT_ALL,
  REDACTED,
  redactJsonPatch,
  redactLeaves,
  redactValue,
  rewriteJsonText,
} from './path-tree.ts';
import { queryParameterSource } from './patterns.ts';
import { ADMISSION_PATCH_ANNOTATION_PREFIX, LAST_APPLIED_ANNOTATION, type RedactionRule } from './redaction-rules.ts';

/**
 * The resource a body belongs to. `none`: not a resource request, or no audit event around it:
 * only the kind-based rules apply. `unknown`: it belongs to a resource that cannot be read (a
 * broken objectRef): every rule applies.
 */
export type BodyResource = Omit<ResourceTarget, 'name'> | 'none' | 'unknown';

/** Redactions that are not field paths (see redaction-extras.ts). */
export interface RedactorOptions {
  /** Objects of a redacted kind in the items of a `kind: List` body and in watch-event wrappers. */
  nestedObjects?: boolean;
  /** Query parameters whose values are replaced in request URIs and response messages. */
  queryParameters?: readonly string[];
}

export interface Redactor {
  /**
   * A request or response body with the configured fields redacted; the body itself when it holds
   * none. `isPatch`: a request body of verb patch, which may be a JSON Patch (a list of operations).
   */
  redactBody(body: unknown, resource: BodyResource, isPatch: boolean): unknown;
  /**
   * An audit event's annotations with the values of mutating webhooks' patches redacted for the
   * request's resource and the kind of its object; the annotations themselves when nothing is.
   */
  redactAnnotations<T extends Record<string, unknown>>(annotations: T, resource: BodyResource, kind: string): T;
  /** Text (a URI, a message) with the values of credential query parameters replaced. */
  redactQuery(text: string): string;
  /** Whether a JSON Patch writing at `pointer`, on an object of a resource not known, may write a value to redact. */
  redactsAtPointer(pointer: string): boolean;
  /** The last named field of every path: text following one of them may hold a value to redact. */
  readonly fieldNames: readonly string[];
  /** The query parameters whose values are redacted. */
  readonly queryParameters: readonly string[];
}

/** Compiles redaction rules once; the tree for each resource and kind is merged on first use and kept. */
export function createRedactor(rules: readonly RedactionRule[], options: RedactorOptions = {}): Redactor {
  const compiled = rules.map((rule) => ({
    matches: compileGroupResources({ group: rule.group, resources: rule.resources }),
    kinds: new Set(rule.kinds),
    node: bodyNode(rule.paths),
  }));
  const everyRule = mergeNodes(...compiled.map((rule) => rule.node));
  // Bounded by the resources and kinds a cluster has: a few hundred entries.
  const nodes = new Map<string, PathNode | null>();
  const nodeFor = (resource: BodyResource, kind: string): PathNode | null => {
    if (resource === 'unknown') return everyRule;
    const target = resource === 'none' ? null : { ...resource, name: '' };
    const key = target === null ? `none\u001f${kind}` : `${target.apiGroup}\u001f${target.resource}\u001f${target.subresource}\u001f${kind}`;
    let found = nodes.get(key);
    if (found === undefined) {
      const applies = (rule: (typeof compiled)[number]) => rule.kinds.has(kind) || (target !== null && rule.matches(target));
      found = mergeNodes(...compiled.filter(applies).map((rule) => rule.node));
      nodes.set(key, found);
    }
    return found;
  };
  const queryParameters = options.queryParameters ?? [];
  const query = queryParameterPatterns(queryParameters);

  const redactBody = (body: unknown, resource: BodyResource, isPatch: boolean): unknown => {
    if (body === null || body === undefined) return body;
    const node = nodeFor(resource, kindOf(body));
    const redacted = node === null ? body : isPatch && Array.isArray(body) ? redactJsonPatch(body, node) : redactValue(body, node);
    return options.nestedObjects && isRecord(redacted) ? redactNested(redacted) : redacted;
  };
  /** The objects a List or a watch event wraps, redacted for their own kind whatever the resource. */
  const redactNested = (body: JsonRecord): JsonRecord => {
    if (body.kind === 'List' && Array.isArray(body.items)) {
      return mapKeys(body, ['items'], (items) => mapItems(items as unknown[], (item) => redactBody(item, 'none', false)));
    }
    if (typeof body.type === 'string' && isRecord(body.object)) return mapKeys(body, ['object'], (object) => redactBody(object, 'none', false));
    return body;
  };

  return {
    redactBody,
    redactAnnotations(annotations, resource, kind) {
      const keys = admissionPatchKeys(annotations);
      const node = keys.length === 0 ? null : nodeFor(resource, kind);
      return node === null ? annotations : (mapKeys(annotations, keys, (value) => redactAdmissionPatch(value, node)) as typeof annotations);
    },
    redactQuery(text) {
      // Tested first: a test is a third of the cost of a replace that finds nothing, and most URIs hold no credential.
      return query === null || !query.found.test(text) ? text : text.replace(query.values, `$1${REDACTED}`);
    },
    redactsAtPointer(pointer) {
      return everyRule !== null && nodeAtPointer(everyRule, pointer) !== null;
    },
    fieldNames: [...new Set([LAST_APPLIED_ANNOTATION, ...rules.flatMap((rule) => rule.paths.map(lastName))])],
    queryParameters,
  };
}

/** The pipeline step that redacts request and response bodies, webhook patches and credentials in URIs of canonical events. */
export function redactionTransform(redactor: Redactor): EventTransform {
  return (event) => {
    const resource = resourceOf(event);
    const request = redactor.redactBody(event.request_object, resource, event.verb === 'patch');
    const response = redactor.redactBody(event.response_object, resource, false);
    const annotations = event.annotations && redactor.redactAnnotations(event.annotations, resource, kindOf(event.request_object) || kindOf(event.response_object));
    const requestUri = event.request_uri && redactor.redactQuery(event.request_uri);
    const responseMessage = event.response_message && redactor.redactQuery(event.response_message);
    if (
      request === event.request_object &&
      response === event.response_object &&
      annotations === event.annotations &&
      requestUri === event.request_uri &&
      responseMessage === event.response_message
    ) {
      return event;
    }
    return { ...event, request_object: request, response_object: response, annotations, request_uri: requestUri, response_message: responseMessage };
  };
}

function resourceOf(event: CanonicalEvent): BodyResource {
  if (!event.is_resource_request) return 'none';
  return {
    apiGroup: apiGroupOf(event),
    resource: event.object_resource ?? '',
    subresource: event.object_subresource ?? '',
  };
}

export function kindOf(body: unknown): string {
  return isRecord(body) && typeof body.kind === 'string' ? body.kind : '';
}

/** The keys of the admission-patch annotations among `annotations`: most events have none. */
function admissionPatchKeys(annotations: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(annotations)) if (key.startsWith(ADMISSION_PATCH_ANNOTATION_PREFIX)) keys.push(key);
  return keys;
}

/**
 * An admission-patch annotation's value with its patch's values redacted as the object's rules
 * ask. A value that is not such JSON cannot be told apart, and is replaced whole.
 */
function redactAdmissionPatch(value: unknown, node: PathNode): unknown {
  if (typeof value !== 'string') return redactLeaves(value);
  return rewriteJsonText(value, (parsed) => {
    if (!isRecord(parsed)) return REDACTED;
    return mapKeys(parsed, ['patch'], (patch) => {
      if (Array.isArray(patch)) return redactJsonPatch(patch, node);
      // Another patch type would have the object's shape, as a merge patch has.
      return isRecord(patch) ? redactValue(patch, node) : redactLeaves(patch);
    });
  });
}

/**
 * `found` tells whether a text has `?name=` / `&name=` for one of the names (case-insensitively);
 * `values` matches each such parameter with its value, group 1 being up to the `=`.
 */
function queryParameterPatterns(names: readonly string[]): { found: RegExp; values: RegExp } | null {
  if (names.length === 0) return null;
  const source = queryParameterSource(names);
  // A value ends where the next parameter, the fragment, or the quoted URI (in a message) ends.
  return { found: new RegExp(source, 'i'), values: new RegExp(`(${source})[^&#\\s"'\\\\]+`, 'gi') };
}

/**
 * Where an object's fields turn up in an audit body: the object itself, each item of a list, each
 * object of a Table's rows, and the object kubectl keeps as JSON in its last-applied annotation.
 */
function bodyNode(paths: readonly (readonly PathSegment[])[]): PathNode {
  const object = mergeNodes(...paths.map((path) => nodeAtPath(path, REDACT_ALL))) as PathNode;
  const applied = mergeNodes(object, nodeAtPath(['metadata', 'annotations', LAST_APPLIED_ANNOTATION], jsonTextNode(object))) as PathNode;
  return mergeNodes(applied, nodeAtPath(['items', ANY], applied), nodeAtPath(['rows', ANY, 'object'], applied)) as PathNode;
}

function lastName(path: readonly PathSegment[]): string {
  return path.findLast((segment): segment is string => typeof segment === 'string') as string;
}
