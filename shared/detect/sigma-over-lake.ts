/**
 * Sigma rules over stored events (`kaudit detect`): every event of the window, one partition at a
 * time so that a long window never sits in memory whole, matched as ingestion matches it.
 */
import type { LakeQuery } from '../query/lake-query.ts';
import type { TimeRange } from '../query/time-range.ts';
import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { Finding } from '../schema/finding.ts';
import { type DetectorOptions, detectionTransform } from '../transforms/detection/detection-transform.ts';
import type { RuleSet } from '../transforms/detection/rule-set.ts';
import { inWindow } from './window-sql.ts';

export async function sigmaFindingsOverLake(lake: LakeQuery, rules: RuleSet, window: TimeRange, options: DetectorOptions = {}): Promise<Finding[]> {
  const detect = detectionTransform(rules, options);
  const findings: Finding[] = [];
  const partitions = await lake.run(`SELECT DISTINCT dt, hour FROM events WHERE ${inWindow(window)} ORDER BY dt, hour`);
  for (const { dt, hour } of partitions.rows as { dt: string; hour: string }[]) {
    const events = await lake.run(
      `SELECT * EXCLUDE (dt, hour) FROM events WHERE dt = '${safePart(dt)}' AND hour = '${safePart(hour)}' AND ${inWindow(window)} ORDER BY time, event_id`,
    );
    // The view's columns are the canonical event's, typed from its schema, JSON columns parsed.
    for (const event of events.rows as CanonicalEvent[]) findings.push(...detect(event));
  }
  return findings;
}

/** Partition values come from object names (`dt=2026-11-20`), which may hold anything: quoted as SQL text. */
function safePart(value: string): string {
  return value.replaceAll("'", "''");
}
