/**
 * The parts of a Sigma rule document kaudit reads. Other attributes Sigma allows (author's
 * `date`, `related`, `fields`, custom ones) are accepted and dropped.
 */
import * as z from 'zod';

export const RULE_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export const RULE_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;

const textList = z.array(z.string()).default([]);

export const SigmaRuleSchema = z.object({
  id: z.guid({ error: (issue) => (issue.input === undefined ? undefined : 'expected a UUID: findings name the rule by it') }),
  title: z.string().min(1),
  // Sigma makes level optional; kaudit ranks findings and alerts by it, so it is required.
  level: z.enum(RULE_LEVELS),
  status: z.enum(RULE_STATUSES).nullable().default(null),
  description: z.string().nullable().default(null),
  author: z.string().nullable().default(null),
  /** ATT&CK and other tags, as written (`attack.t1609`, `attack.execution`). */
  tags: textList,
  references: textList,
  falsepositives: z.union([z.string().transform((text) => [text]), z.array(z.string())]).default([]),
  logsource: z.object({
    product: z.string().optional(),
    service: z.string().optional(),
    category: z.string().optional(),
  }),
  detection: z.record(z.string(), z.unknown()),
});

export type SigmaRuleDocument = z.output<typeof SigmaRuleSchema>;

/** What a loaded rule keeps besides its predicate: what findings and alerts say about it. */
export type SigmaRuleMetadata = Omit<SigmaRuleDocument, 'logsource' | 'detection'>;
