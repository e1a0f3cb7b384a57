import type { CanonicalEvent } from '../schema/canonical-event.ts';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
/** Control-plane identities of the managed services that don't use the system: prefix. */
const MANAGED_SYSTEM_USERS = new Set(['aksService', 'masterclient', 'nodeclient']);

export function classifyUser(userName: string | null, groups: string[] | null): CanonicalEvent['user_type'] {
  if (userName === 'system:anonymous' || groups?.includes('system:unauthenticated')) return 'anonymous';
  if (userName === null) return null;
  if (userName.startsWith(SERVICE_ACCOUNT_PREFIX)) return 'service_account';
  if (userName.startsWith('system:node:')) return 'node';
  if (userName.startsWith('system:') || userName.startsWith('eks:') || MANAGED_SYSTEM_USERS.has(userName)) return 'system';
  return 'user';
}

/** Namespace and name of a `system:serviceaccount:NS:NAME` user. */
export function serviceAccountOf(userName: string | null): { sa_namespace: string | null; sa_name: string | null } {
  if (!userName?.startsWith(SERVICE_ACCOUNT_PREFIX)) return { sa_namespace: null, sa_name: null };
  const [namespace, name, ...rest] = userName.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return { sa_namespace: null, sa_name: null };
  return { sa_namespace: namespace, sa_name: name };
}

/** The AWS principal that EKS's authenticator records in user.extra. */
export function cloudPrincipalOf(extra: Record<string, string[]> | null) {
  return {
    cloud_principal_arn: firstValue(extra, 'canonicalArn') ?? firstValue(extra, 'arn'),
    cloud_principal_id: firstValue(extra, 'principalId'),
    cloud_session_name: firstValue(extra, 'sessionName'),
    cloud_access_key_id: firstValue(extra, 'accessKeyId'),
  };
}

/** The authenticator writes sessionName [""] for IAM users: an empty value is an absent one. */
function firstValue(extra: Record<string, string[]> | null, key: string): string | null {
  return extra?.[key]?.[0] || null;
}

export function outcomeOf(decision: CanonicalEvent['authz_decision'], code: number | null): CanonicalEvent['outcome'] {
  if (decision === 'forbid' || (code !== null && code >= 400)) return 'failure';
  if (code !== null && code >= 100) return 'success';
  if (code === null && decision === 'allow') return 'success';
  return 'unknown';
}
