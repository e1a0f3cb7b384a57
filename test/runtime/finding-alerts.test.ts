import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { findingAlertsOf } from '../../shared/runtime/finding-alerts.ts';
import type { Finding } from '../../shared/schema/finding.ts';
import { findingOf } from '../../shared/transforms/detection/finding-of.ts';
import { canonicalEvent } from '../detection/detection-builders.ts';

const eventBridge = mockClient(EventBridgeClient);
const BUS = 'arn:aws:events:eu-west-1:111122223333:event-bus/kaudit-findings';

function findingAt(level: Finding['level'], index = 0): Finding {
  const event = canonicalEvent({ auditID: `a0b1c2d3-0000-4000-8000-${String(index).padStart(12, '0')}` });
  return findingOf(
    { kind: 'sigma', id: '5f0c7c1e-2f4b-4f59-9a51-3d2a1b0c9e77', title: 'Exec Into A Pod', source: 'rules/pod-exec.yml', level, tags: [] },
    event,
    '2026-11-20T14:05:00.000Z',
  );
}

describe('finding alerts', () => {
  afterEach(() => eventBridge.reset());

  it('sends the findings at or above the alert level to the EventBridge bus, ten to a call', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const alert = findingAlertsOf(configFromEnv({ KAUDIT_ALERT_EVENT_BUS: BUS, KAUDIT_ALERT_LEVEL: 'medium' }));
    const findings = [...Array.from({ length: 12 }, (_, index) => findingAt('high', index)), findingAt('low', 99)];

    // Act
    await alert?.(findings);

    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(calls.map((entries) => entries.length)).toEqual([10, 2]);
    expect(calls[0]?.[0]).toMatchObject({ EventBusName: BUS, Source: 'kaudit', DetailType: 'kaudit finding' });
    expect(JSON.parse(calls[0]?.[0]?.Detail ?? '{}')).toMatchObject({ finding_id: findings[0]?.finding_id, level: 'high' });
  });

  it('fails when the bus does not accept a finding, so the batch is delivered again', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const alert = findingAlertsOf(configFromEnv({ KAUDIT_ALERT_EVENT_BUS: BUS }));

    // Act
    const sending = alert?.([findingAt('critical')]);

    // Assess
    await expect(sending).rejects.toThrow(`EventBridge bus ${BUS}: 1 of 1 findings not accepted (InternalFailure)`);
  });

  it('is off without a bus or a topic, and refuses an unknown level', () => {
    // Act
    const off = findingAlertsOf(configFromEnv({ KAUDIT_ALERT_LEVEL: 'high' }));
    const bad = () => findingAlertsOf(configFromEnv({ KAUDIT_ALERT_EVENT_BUS: BUS, KAUDIT_ALERT_LEVEL: 'severe' }));

    // Assess
    expect(off).toBeUndefined();
    expect(bad).toThrow('KAUDIT_ALERT_LEVEL: expected informational or low or medium or high or critical, got "severe"');
  });
});
