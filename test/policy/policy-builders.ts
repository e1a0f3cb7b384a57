import { compilePolicy, type CompiledPolicy } from '../../shared/policy/compile-policy.ts';
import { PolicySchema, type PolicyRule } from '../../shared/policy/policy-schema.ts';

/** Policy document fields besides the rules (omitStages, omitManagedFields). */
export type PolicyDefaults = Record<string, unknown>;

/** The text of an audit.k8s.io/v1 Policy (JSON is YAML) with these rules. */
export function policyText(rules: unknown[], defaults: PolicyDefaults = {}): string {
  return JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...defaults, rules });
}

/** A compiled Policy with these rules, validated on the way as a loaded file would be. */
export function policyOf(rules: PolicyRule[], defaults: PolicyDefaults = {}): CompiledPolicy {
  return compilePolicy(PolicySchema.parse({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', ...defaults, rules }));
}
