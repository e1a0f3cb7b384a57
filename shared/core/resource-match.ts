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
