import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/schema/finding.ts';
import { attackOf, findingOf } from '../../shared/transforms/detection/finding-of.ts';
import { canonicalEvent, ruleOf } from './detection-builders.ts';

const RULE = ruleOf({ selection: { verb: 'list' }, condition: 'selection' });
const SIGMA = { kind: 'sigma', id: RULE.id, title: RULE.title, source: RULE.path, level: RULE.level, tags: RULE.tags } as const;

describe('findings', () => {
  it('name the same rule on the same event with the same id, whenever detected', () => {
    // Prepare
    const event = canonicalEvent();

    // Act
    const first = findingOf(SIGMA, event, '2026-11-20T14:05:00.000Z');
    const again = findingOf(SIGMA, event, '2026-11-22T08:00:00.000Z');

    // Assess
    expect(again.finding_id).toBe(first.finding_id);
  });

  it('name another rule, or another event, with another id', () => {
    // Prepare
    const event = canonicalEvent();
    const other = canonicalEvent({ auditID: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d' });

    // Act
    const ids = new Set(
      [findingOf(SIGMA, event, 'now'), findingOf({ ...SIGMA, id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' }, event, 'now'), findingOf(SIGMA, other, 'now')].map(
        (finding) => finding.finding_id,
      ),
    );

    // Assess
    expect(ids.size).toBe(3);
  });

  it('carry the event fields the contract names and validate against the finding schema', () => {
    // Prepare
    const event = canonicalEvent();

    // Act
    const finding = FindingSchema.parse(findingOf(SIGMA, event, '2026-11-20T14:05:00.000Z'));

    // Assess
    expect(finding).toMatchObject({
      rule_id: RULE.id,
      rule_title: 'Exec Into A Pod',
      level: 'medium',
      event_id: event.event_id,
      audit_id: event.audit_id,
      time: event.time,
      cluster_id: event.cluster_id,
      user_name: 'alice@example.com',
    });
  });

  it("read ATT&CK tactics and technique ids from Sigma's tags, leaving other tags out", () => {
    // Act
    const attack = attackOf(['attack.privilege_escalation', 'attack.t1078.001', 'attack.T1609', 'attack.g0007', 'cve.2023-1234', 'attack.execution']);

    // Assess
    expect(attack).toEqual({ tactics: ['privilege-escalation', 'execution'], techniques: ['T1078.001', 'T1609'] });
  });
});
