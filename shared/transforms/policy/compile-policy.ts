import { compileGroupResources, type ResourceTarget } from '../../core/resource-match.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import type { Policy, PolicyRule } from './policy-schema.ts';
import type { RequestAttributes } from './request-attributes.ts';

export type Level = NonNullable<CanonicalEvent['level']>;
export type Stage = CanonicalEvent['stage'];

/** What a policy says about one request. */
export interface AuditDecision {
  level: Level;
  /** The policy's omitStages united with the matching rule's. */
  omitStages: ReadonlySet<Stage>;
  /** The matching rule's omitManagedFields, else the policy's. */
  omitManagedFields: boolean;
  /** Index of the rule that matched; null when none did (level None). */
  ruleIndex: number | null;
}

export interface CompiledPolicy {
  readonly ruleCount: number;
  /** The first matching rule's decision, or level None: kube-apiserver's audit policy checker. */
  evaluate(request: RequestAttributes): AuditDecision;
}

type Predicate = (request: RequestAttributes) => boolean;

/** Compiles a validated policy once into predicates and ready-made decisions, so evaluation allocates nothing. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const policyStages = policy.omitStages ?? [];
  const policyOmitsManagedFields = policy.omitManagedFields ?? false;
  const rules = policy.rules.map((rule, index) => ({
    matches: compileRule(rule),
    decision: Object.freeze({
      level: rule.level,
      omitStages: new Set([...policyStages, ...(rule.omitStages ?? [])]),
      omitManagedFields: rule.omitManagedFields ?? policyOmitsManagedFields,
      ruleIndex: index,
    }),
  }));
  const noMatch: AuditDecision = Object.freeze({
    level: 'None',
    omitStages: new Set(policyStages),
    omitManagedFields: policyOmitsManagedFields,
    ruleIndex: null,
  });
  return {
    ruleCount: rules.length,
    evaluate(request) {
      for (const rule of rules) if (rule.matches(request)) return rule.decision;
      return noMatch;
    },
  };
}

/**
 * One rule's conditions, all of which must hold; a condition left empty holds for every request.
 * One closure shape for every rule, so the evaluation loop stays monomorphic.
 */
function compileRule(rule: PolicyRule): Predicate {
  const users = setOf(rule.users);
  const groups = setOf(rule.userGroups);
  const verbs = setOf(rule.verbs);
  const scope = compileScope(rule);
  // A request without a user matches no rule that names users or groups.
  return (request) =>
    (users === null || (request.user !== null && users.has(request.user.name))) &&
    (groups === null || (request.user !== null && hasAny(request.user.groups, groups))) &&
    (verbs === null || verbs.has(request.verb)) &&
    (scope === null || scope(request));
}

/** What a rule says about the target: resources and namespaces, or non-resource URLs, or nothing (null). */
function compileScope(rule: PolicyRule): Predicate | null {
  const namespaces = setOf(rule.namespaces);
  const resources = rule.resources?.length ? rule.resources.map(compileGroupResources) : null;
  if (namespaces || resources) {
    // Scoped to resources: never a non-resource request. Cluster-scoped resources have namespace "".
    return (request) => request.isResourceRequest && (namespaces === null || namespaces.has(request.namespace)) && (resources === null || anyMatches(resources, request));
  }
  if (rule.nonResourceURLs?.length) {
    const matchesPath = compileNonResourceUrls(rule.nonResourceURLs);
    return (request) => !request.isResourceRequest && matchesPath(request.path);
  }
  return null;
}

function anyMatches(predicates: readonly ((target: ResourceTarget) => boolean)[], request: RequestAttributes): boolean {
  for (const matches of predicates) if (matches(request)) return true;
  return false;
}

function hasAny(values: readonly string[], wanted: ReadonlySet<string>): boolean {
  for (const value of values) if (wanted.has(value)) return true;
  return false;
}

/** `*` matches every path; `/p*` every path starting with `/p`; anything else that exact path. */
function compileNonResourceUrls(urls: readonly string[]): (path: string) => boolean {
  if (urls.includes('*')) return () => true;
  const exact = new Set(urls);
  const prefixes = urls.filter((url) => url.endsWith('*')).map((url) => url.slice(0, -1));
  return (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

function setOf(values: readonly string[] | null | undefined): ReadonlySet<string> | null {
  return values?.length ? new Set(values) : null;
}
