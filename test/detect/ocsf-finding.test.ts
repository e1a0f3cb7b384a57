import { describe, expect, it } from 'vitest';
import { ocsfDetectionFinding } from '../../shared/detect/ocsf-finding.ts';
import { findingOf } from '../../shared/transforms/detection/finding-of.ts';
import { canonicalEvent } from '../detection/detection-builders.ts';

const DETECTION = {
  kind: 'sigma',
  id: '5f0c7c1e-2f4b-4f59-9a51-3d2a1b0c9e77',
  title: 'Exec Into A Pod',
  source: 'rules/pod-exec.yml',
  level: 'high',
  tags: ['attack.execution', 'attack.t1609'],
} as const;

describe('the OCSF form of a finding', () => {
  it('is a Detection Finding (class 2004) of the rule, its severity and its ATT&CK technique', () => {
    // Prepare
    const finding = findingOf(DETECTION, canonicalEvent(), '2026-11-20T14:05:00.000Z');

    // Act
    const ocsf = ocsfDetectionFinding(finding);

    // Assess
    expect(ocsf).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      type_uid: 200401,
      severity_id: 4,
      time: Date.parse('2026-11-20T14:05:00.000Z'),
      finding_info: {
        uid: finding.finding_id,
        analytic: { uid: DETECTION.id, name: 'Exec Into A Pod', type: 'Rule' },
        attacks: [{ technique: { uid: 'T1609' }, tactics: [{ name: 'execution' }] }],
        related_events: [{ uid: finding.event_id }],
      },
      actor: { user: { name: 'alice@example.com' } },
    });
  });
});
