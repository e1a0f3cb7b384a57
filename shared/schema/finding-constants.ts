/**
 * The constants of a finding, apart from its zod schema (./finding.ts): the settings and the
 * ingest functions need these at start-up, and building the schema (which copies the canonical
 * event's fields) would add to every cold start.
 */
export const FINDING_SCHEMA_VERSION = 'kaudit_finding/1' as const;

/** Sigma's levels, lowest first: alerts are sent for findings at or above a configured one. */
export const FINDING_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type FindingLevel = (typeof FINDING_LEVELS)[number];

/** A finding sent as an alert: its EventBridge source and detail type, its Event Grid event type. Rules and subscriptions match on these. */
export const FINDING_EVENT = { source: 'kaudit', detailType: 'kaudit finding' } as const;

/** The findings at `level` or above: what alerts carry. */
export function findingsAtOrAbove<T extends { level: FindingLevel }>(findings: readonly T[], level: FindingLevel): T[] {
  const lowest = FINDING_LEVELS.indexOf(level);
  return findings.filter((finding) => FINDING_LEVELS.indexOf(finding.level) >= lowest);
}
