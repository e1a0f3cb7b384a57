import { apiGroupOf } from '../../core/resource-match.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';

/**
 * What a policy rule is matched against: the request as kube-apiserver's audit filter saw it, before
 * the handler filled in details (the name of a created object, for one).
 */
export interface RequestAttributes {
  /** The authenticated user (not the impersonated one: auditing runs before impersonation); null: none. */
  user: { name: string; groups: readonly string[] } | null;
  /** Kubernetes verb; for non-resource requests the lower-case HTTP method. */
  verb: string;
  isResourceRequest: boolean;
  /** "" for the core group. */
  apiGroup: string;
  resource: string;
  subresource: string;
  /** "" for cluster-scoped resources. */
  namespace: string;
  name: string;
  /** URL path without the query: what nonResourceURLs match. */
  path: string;
}

/** Rebuilds a request's attributes from its canonical event. Absent values read as "", as in Kubernetes. */
export function requestAttributesOf(event: CanonicalEvent): RequestAttributes {
  const hasUser = event.user_name !== null || event.user_groups !== null;
  const verb = event.verb ?? '';
  const subresource = event.object_subresource ?? '';
  return {
    user: hasUser ? { name: event.user_name ?? '', groups: event.user_groups ?? [] } : null,
    verb: event.is_resource_request ? verb : verb.toLowerCase(),
    isResourceRequest: event.is_resource_request,
    apiGroup: apiGroupOf(event),
    resource: event.object_resource ?? '',
    subresource,
    namespace: event.object_namespace ?? '',
    // A create is a POST to the collection: the name the event records came from the body, later.
    // A create of a subresource (pods/eviction, serviceaccounts/token) names its parent in the URL.
    name: verb === 'create' && subresource === '' ? '' : (event.object_name ?? ''),
    path: pathOf(event.request_uri),
  };
}

/** The decoded path of a request URI, without its query. */
function pathOf(requestUri: string | null): string {
  if (requestUri === null) return '';
  const query = requestUri.indexOf('?');
  const path = query === -1 ? requestUri : requestUri.slice(0, query);
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
