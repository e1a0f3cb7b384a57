import type { EventTransform } from '../pipeline/ingest-batch.ts';
import { apiGroupOf } from '../policy/request-attributes.ts';
import { compileGroupResources, type ResourceTarget } from '../policy/resource-match.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import { ANY, type PathSegment } from './json-path.ts';
import { isRecord } from './json-value.ts';
import { jsonTextNode, mergeNodes, nodeAtPath, REDACT_ALL, redactJsonPatch, redactValue, type PathNode } from './path-tree.ts';
import { LAST_APPLIED_ANNOTATION, type RedactionRule } from './redaction-rules.ts';

/**
 * The resource a body belongs to. `none`: not a resource request, or no audit event around it:
 * only the kind-based rules apply. `unknown`: it belongs to a resource that cannot be read (a
 * broken objectRef): every rule applies.
 */
export type BodyResource = Omit<ResourceTarget, 'name'> | 'none' | 'unknown';

export interface Redactor {
  /**
   * A request or response body with the configured fields redacted; the body itself when it holds
   * none. `isPatch`: a request body of verb patch, which may be a JSON Patch (a list of operations).
   */
  redactBody(body: unknown, resource: BodyResource, isPatch: boolean): unknown;
  /** The last named field of every path: text following one of them may hold a value to redact. */
  readonly fieldNames: readonly string[];
}

/** Compiles redaction rules once; the tree for each resource and kind is merged on first use and kept. */
export function createRedactor(rules: readonly RedactionRule[]): Redactor {
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
  return {
    redactBody(body, resource, isPatch) {
      if (body === null || body === undefined) return body;
      const node = nodeFor(resource, isRecord(body) && typeof body.kind === 'string' ? body.kind : '');
      if (node === null) return body;
      return isPatch && Array.isArray(body) ? redactJsonPatch(body, node) : redactValue(body, node);
    },
    fieldNames: [...new Set([LAST_APPLIED_ANNOTATION, ...rules.flatMap((rule) => rule.paths.map(lastName))])],
  };
}

/** The pipeline step that redacts request and response bodies of canonical events. */
export function redactionTransform(redactor: Redactor): EventTransform {
  return (event) => {
    const resource = resourceOf(event);
    const request = redactor.redactBody(event.request_object, resource, event.verb === 'patch');
    const response = redactor.redactBody(event.response_object, resource, false);
    if (request === event.request_object && response === event.response_object) return event;
    return { ...event, request_object: request, response_object: response };
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
  return path.findLast((segment): segment is string => segment !== ANY) as string;
}
