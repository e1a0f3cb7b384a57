import { ConfigError } from '../../shared/core/config-document.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { type PipelineOptions, type ProcessedBatch, processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { type CompiledPolicy, compilePolicy } from '../../shared/transforms/policy/compile-policy.ts';
import { type PolicyRule, PolicySchema } from '../../shared/transforms/policy/policy-schema.ts';
import { type AuditEvent, auditLogLines, INGEST_TIME } from '../helpers/audit-events.ts';

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

/** Events as a log file would hand them to the pipeline, processed with `options`. */
export function processEvents(events: AuditEvent[], options: PipelineOptions): ProcessedBatch {
  const batch = decodeAuditLogLines(auditLogLines(events), {
    clusterName: 'onprem-dc1',
    clusterId: 'onprem-dc1',
    sourceStream: '/var/log/kubernetes/audit/audit.log',
    ingestTime: INGEST_TIME,
    limits: DEFAULT_LIMITS,
  });
  return processBatch(batch, options);
}

/** The problems a configuration loader reports; none when it loads. */
export function configProblems(load: () => unknown): readonly string[] {
  try {
    load();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
