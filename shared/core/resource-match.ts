import * as z from 'zod';
import type { CanonicalEvent } from '../schema/canonical-event.ts';

/** The parts of a resource request a `resources` entry looks at. "" means absent. */
export interface ResourceTarget {
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
}

/** A `resources` entry of a Policy rule: `group`, `resources` patterns and `resourceNames`. */
export interface GroupResourcesSpec {
  group?: string | null;
  resources?: readonly string[] | null;
  resourceNames?: readonly string[] | null;
}

/**
 * Compiles one `resources` entry into a predicate with kube-apiserver's semantics: the group must be
 * equal ("" is core); no resources means every resource of the group; a pattern is `res` (exactly
 * that resource, no subresource), `res/sub`, `*` (anything, subresources included), `*\/sub` (that
 * subresource of any resource) or `res/*` (the resource and each of its subresources); resourceNames,
 * when given, must hold the request's name.
 */
export function compileGroupResources(spec: GroupResourcesSpec): (target: ResourceTarget) => boolean {
  const group = spec.group ?? '';
  const patterns = spec.resources ?? [];
  if (patterns.length === 0) return (target) => target.apiGroup === group;
  const names = spec.resourceNames?.length ? new Set(spec.resourceNames) : null;
  const exact = new Set(patterns);
  const anyResource = exact.has('*');
  const subresourceOfAny = new Set(patterns.filter((pattern) => pattern.startsWith('*/')).map((pattern) => pattern.slice(2)));
  const resourceAndSubresources = new Set(patterns.filter((pattern) => pattern.endsWith('/*')).map((pattern) => pattern.slice(0, -2)));
  return (target) => {
    if (target.apiGroup !== group) return false;
    if (names !== null && !names.has(target.name)) return false;
    if (anyResource || resourceAndSubresources.has(target.resource)) return true;
    if (target.subresource === '') return exact.has(target.resource);
    return exact.has(`${target.resource}/${target.subresource}`) || subresourceOfAny.has(target.subresource);
  };
}

/** The API group as Kubernetes names it: "" for the core group, which the canonical event writes `core`. */
export function apiGroupOf(event: CanonicalEvent): string {
  return event.object_api_group === null || event.object_api_group === 'core' ? '' : event.object_api_group;
}

/** A lower-case RFC 1123 subdomain: what Kubernetes accepts as an API group name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_MAX = 253;

/** An API group name: "" is the core group, else a lower-case DNS subdomain without a version. */
export const ApiGroupSchema = z.string().refine((group) => group === '' || (group.length <= DNS_SUBDOMAIN_MAX && DNS_SUBDOMAIN.test(group)), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an API group name: expected a lower-case DNS subdomain without a version, like "apps" or "rbac.authorization.k8s.io" ("" is the core group)`,
});
