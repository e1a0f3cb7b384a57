/** policies/cost-saver.yaml on a minute of EKS and AKS traffic: what it drops, what it keeps, how much it saves. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ProcessedBatch, processBatch } from '../../shared/pipeline/ingest-batch.ts';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { aksRecord, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT, eventHubBody, eventHubMessages } from '../helpers/audit-events.ts';
import { AKS_MINUTE, auditIdsOf, EKS_MINUTE, minuteOf, type TrafficLine } from './sample-traffic.ts';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const COST_SAVER = await buildPipelineOptions({ policy: 'policies/cost-saver.yaml', baseDir: REPOSITORY });

function eksMinute(): ProcessedBatch {
  const delivery = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: minuteOf(EKS_MINUTE) }));
  return processBatch(decodeCloudWatchSubscription(delivery, DECODER_CONTEXT), COST_SAVER);
}

function aksMinute(): ProcessedBatch {
  const messages = eventHubMessages([eventHubBody(minuteOf(AKS_MINUTE).map((event) => aksRecord(event)))]);
  return processBatch(decodeEventHubMessages(messages, DECODER_CONTEXT), COST_SAVER);
}

/** For each line of traffic, whether its events were kept: true, false, or 'some' when they went both ways. */
function outcomeByLine(lines: readonly TrafficLine[], processed: ProcessedBatch): [string, boolean | 'some'][] {
  const kept = new Set(processed.events.map((event) => event.audit_id));
  return lines.map((line, index) => {
    const outcomes = new Set(auditIdsOf(line, index).map((auditId) => kept.has(auditId)));
    return [line.what, outcomes.size === 1 ? outcomes.has(true) : 'some'];
  });
}

describe('the cost-saver policy', () => {
  it.each([
    ['EKS', EKS_MINUTE, eksMinute],
    ['AKS', AKS_MINUTE, aksMinute],
  ])('on %s keeps writes and people, drops health checks, events and reads by components', (_cluster, lines, minute) => {
    // Prepare
    const expected = lines.map((line) => [line.what, line.kept]);

    // Act
    const processed = minute();

    // Assess
    expect(outcomeByLine(lines, processed)).toEqual(expected);
    expect(processed.summary.reasons).toEqual({ policy: processed.summary.skipped });
  });

  it('drops 59.2% of the events of an EKS minute and 70.4% of an AKS minute (the figures in docs/policy.md)', () => {
    // Act
    const eks = eksMinute().summary;
    const aks = aksMinute().summary;

    // Assess
    expect([eks.received, eks.skipped]).toEqual([228, 135]);
    expect([aks.received, aks.skipped]).toEqual([81, 57]);
    expect(eks.skipped / eks.received).toBeCloseTo(0.592, 3);
    expect(aks.skipped / aks.received).toBeCloseTo(0.704, 3);
  });
});
