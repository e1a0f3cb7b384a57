import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANALYTICS, analyticsFindings, DEFAULT_ANALYTICS_PARAMETERS, lakeRangeFor } from '../../shared/detect/analytics.ts';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import type { Finding } from '../../shared/schema/finding.ts';
import { temporaryFileStore } from '../helpers/lake.ts';
import { requestAt, requestsEvery, storeEvents } from './lake-builders.ts';

const WINDOW = { since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-21T00:00:00Z') };
const BEFORE_WINDOW = '2026-11-10T09:00:00Z';
const IN_WINDOW = '2026-11-20T10:00:00Z';

describe('behaviour analytics over the lake', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  async function findingsOf(events: readonly CanonicalEvent[]): Promise<Finding[]> {
    await storeEvents(lake.url, events);
    const query = await LakeQuery.open(lake.root, lakeRangeFor(WINDOW));
    try {
      return await analyticsFindings(query, WINDOW, '2026-11-21T00:05:00.000Z');
    } finally {
      query.close();
    }
  }

  describe('a new identity making many changes', () => {
    it('fires once, at the change that reaches the threshold within the minutes', async () => {
      // Prepare
      const creates = requestsEvery(IN_WINDOW, 10, 25, (index, time) => ({ time, user: 'mallory@example.com', verb: 'create', name: `cm-${index}` }));

      // Act
      const findings = await findingsOf(creates);

      // Assess
      expect(findings.map((finding) => [finding.rule_id, finding.event_id])).toEqual([[ANALYTICS.newIdentity.id, creates[19]?.event_id]]);
      expect(findings[0]?.detail).toBe('first seen 2026-11-20T10:00:00Z; 20 successful changes within 10 minutes');
    });

    it('stays quiet for an identity seen before the window, a new one making few changes, and changes spread out', async () => {
      // Prepare
      const events = [
        requestAt({ time: BEFORE_WINDOW, user: 'alice@example.com' }),
        ...requestsEvery(IN_WINDOW, 10, 25, (index, time) => ({ time, user: 'alice@example.com', verb: 'create', name: `cm-${index}` })),
        ...requestsEvery(IN_WINDOW, 10, 5, (index, time) => ({ time, user: 'bob@example.com', verb: 'create', name: `cm-${index}` })),
        ...requestsEvery(IN_WINDOW, 60, 25, (index, time) => ({ time, user: 'carol@example.com', verb: 'patch', name: `cm-${index}` })),
      ];

      // Act
      const findings = await findingsOf(events);

      // Assess
      expect(findings.filter((finding) => finding.rule_id === ANALYTICS.newIdentity.id)).toEqual([]);
    });
  });

  describe('an identity acting from a network new to it', () => {
    it('fires on the first request from a network the identity did not act from in the baseline', async () => {
      // Prepare
      const outside = requestAt({ time: IN_WINDOW, user: 'alice@example.com', from: '203.0.113.50' });
      const events = [
        requestAt({ time: BEFORE_WINDOW, user: 'alice@example.com', from: '10.0.12.7' }),
        outside,
        requestAt({ time: '2026-11-20T10:05:00Z', user: 'alice@example.com', from: '203.0.113.51' }),
      ];

      // Act
      const findings = await findingsOf(events);

      // Assess
      expect(findings.map((finding) => [finding.rule_id, finding.event_id, finding.detail])).toEqual([
        [ANALYTICS.newNetwork.id, outside.event_id, 'first request from 203.0.113.0/24, a network this identity did not act from in the 14 days before'],
      ]);
    });

    it('stays quiet for a known network, and for an identity without a baseline', async () => {
      // Prepare
      const events = [
        requestAt({ time: BEFORE_WINDOW, user: 'alice@example.com', from: '10.0.12.7' }),
        requestAt({ time: IN_WINDOW, user: 'alice@example.com', from: '10.0.12.99' }),
        requestAt({ time: IN_WINDOW, user: 'dave@example.com', from: '203.0.113.50' }),
      ];

      // Act
      const findings = await findingsOf(events);

      // Assess
      expect(findings).toEqual([]);
    });

    it('forgets networks older than the baseline period', async () => {
      // Prepare
      const events = [
        requestAt({ time: '2026-10-01T09:00:00Z', user: 'alice@example.com', from: '203.0.113.50' }),
        requestAt({ time: BEFORE_WINDOW, user: 'alice@example.com', from: '10.0.12.7' }),
        requestAt({ time: IN_WINDOW, user: 'alice@example.com', from: '203.0.113.50' }),
      ];

      // Act
      const findings = await findingsOf(events);

      // Assess
      expect(findings.map((finding) => finding.rule_id)).toEqual([ANALYTICS.newNetwork.id]);
    });
  });

  describe('bursts of refused requests', () => {
    it('fires once per identity and once per address when refusals reach the threshold within the minutes', async () => {
      // Prepare
      const refused = requestsEvery(IN_WINDOW, 10, 12, (index, time) => ({
        time,
        user: 'eve@example.com',
        verb: 'get',
        resource: 'secrets',
        name: `s-${index}`,
        code: 403,
        from: '198.51.100.23',
      }));

      // Act
      const findings = await findingsOf(refused);

      // Assess
      expect(findings.map((finding) => [finding.rule_id, finding.event_id])).toEqual([
        [ANALYTICS.forbiddenByIdentity.id, refused[9]?.event_id],
        [ANALYTICS.forbiddenBySource.id, refused[9]?.event_id],
      ]);
    });

    it('stays quiet below the threshold and for refusals spread over the hour', async () => {
      // Prepare
      const events = [
        ...requestsEvery(IN_WINDOW, 10, DEFAULT_ANALYTICS_PARAMETERS.forbiddenBurst.minRefusals - 1, (index, time) => ({
          time,
          user: 'dave@example.com',
          resource: 'secrets',
          name: `s-${index}`,
          code: 403,
          from: '10.0.12.8',
        })),
        ...requestsEvery(IN_WINDOW, 300, 12, (index, time) => ({ time, user: 'frank@example.com', resource: 'secrets', name: `s-${index}`, code: 403, from: '10.0.12.9' })),
      ];

      // Act
      const findings = await findingsOf(events);

      // Assess
      expect(findings).toEqual([]);
    });
  });
});
