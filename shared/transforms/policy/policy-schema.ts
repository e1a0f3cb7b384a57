import * as z from 'zod';
import { ApiGroupSchema } from '../../core/resource-match.ts';
import { LEVELS, STAGES } from '../../schema/vocabulary.ts';

/**
 * The audit.k8s.io/v1 `Policy` document, validated as kube-apiserver validates it when it loads
 * `--audit-policy-file`. Optional lists may be null (an empty YAML key), which Kubernetes reads as empty.
 */
const POLICY_API_VERSION = 'audit.k8s.io/v1';

const names = z.array(z.string()).nullish();
const stages = z.array(z.enum(STAGES)).nullish();

const GroupResourcesSchema = z
  .strictObject({
    /** API group; "" (or absent) is the core group. */
    group: ApiGroupSchema.nullish(),
    /** `res`, `res/sub`, `*`, `*\/sub`, `res/*`; none: every resource of the group. */
    resources: names,
    resourceNames: names,
  })
  .refine((entry) => (entry.resourceNames?.length ?? 0) === 0 || (entry.resources?.length ?? 0) > 0, {
    path: ['resourceNames'],
    message: 'resourceNames needs at least one resource in resources',
  });

const nonResourceUrl = z.string().refine((url) => nonResourceUrlProblem(url) === null, {
  error: (issue) => `${JSON.stringify(issue.input)}: ${nonResourceUrlProblem(issue.input as string)}`,
});

const PolicyRuleSchema = z
  .strictObject({
    level: z.enum(LEVELS),
    users: names,
    userGroups: names,
    verbs: names,
    resources: z.array(GroupResourcesSchema).nullish(),
    namespaces: names,
    nonResourceURLs: z.array(nonResourceUrl).nullish(),
    omitStages: stages,
    omitManagedFields: z.boolean().nullish(),
  })
  .refine((rule) => count(rule.nonResourceURLs) === 0 || (count(rule.resources) === 0 && count(rule.namespaces) === 0), {
    path: ['nonResourceURLs'],
    message: 'a rule cannot apply to both non-resource URLs and resources or namespaces: split it in two rules',
    // Checked even when other fields of the rule are wrong, so one run reports every problem.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const PolicySchema = z.strictObject({
  apiVersion: z.literal(POLICY_API_VERSION),
  kind: z.literal('Policy'),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  rules: z.array(PolicyRuleSchema).min(1, 'a policy needs at least one rule (the API server refuses a policy with 0 rules)'),
  omitStages: stages,
  omitManagedFields: z.boolean().nullish(),
});
export type Policy = z.infer<typeof PolicySchema>;

/** Why a nonResourceURLs entry is invalid, or null: `*`, or a path starting with `/` whose only `*` ends it. */
function nonResourceUrlProblem(url: string): string | null {
  if (url === '*') return null;
  if (!url.startsWith('/')) return 'a non-resource URL must start with "/" (or be "*")';
  if (url.slice(0, -1).includes('*')) return 'a wildcard "*" may only be the last character of a non-resource URL';
  return null;
}

/** Length of what should be a list; the rule may hold anything when its other fields are invalid. */
function count(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}
