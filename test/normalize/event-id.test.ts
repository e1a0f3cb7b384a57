import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE } from '../../shared/core/event-id.ts';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import {
  aksRecord,
  auditEvent,
  auditLogLines,
  canonicalOf,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  DECODER_CONTEXT,
  eventHubBody,
  eventHubMessages,
  fixtureEvent,
  sourceRecord,
} from '../helpers/audit-events.ts';

const EKS_CLUSTER_ARN = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu';

describe('event_id (docs/contracts.md#event-id)', () => {
  it('uses the documented namespace, uuidv5 of the URL namespace and the project URL', () => {
    // Assess
    expect(EVENT_ID_NAMESPACE).toBe(uuidv5('https://github.com/kaudit/kaudit/k8s_audit/1', uuidv5.URL));
  });

  it('is the UUIDv5 of cluster_id, auditID, stage, both timestamps as written, verb, requestURI and username joined by U+001F', () => {
    // Prepare
    const event = auditEvent({ requestReceivedTimestamp: '2026-11-20T15:03:07.412135+01:00', stageTimestamp: '2026-11-20T15:03:07.419876+01:00' });
    const name = [
      'onprem-dc1',
      '6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d',
      'ResponseComplete',
      '2026-11-20T15:03:07.412135+01:00',
      '2026-11-20T15:03:07.419876+01:00',
      'list',
      '/api/v1/namespaces/default/pods?limit=500',
      'alice@example.com',
    ].join('\u001f');

    // Act
    const canonical = canonicalOf(sourceRecord(event, { cluster_id: 'onprem-dc1' }));

    // Assess
    expect(canonical.event_id).toBe(uuidv5(name, EVENT_ID_NAMESPACE));
  });

  it('writes an absent part as the empty string', () => {
    // Prepare
    const event = auditEvent({ user: undefined, requestReceivedTimestamp: undefined });
    const name = [
      'onprem-dc1',
      '6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d',
      'ResponseComplete',
      '',
      '2026-11-20T14:03:07.419876Z',
      'list',
      '/api/v1/namespaces/default/pods?limit=500',
      '',
    ].join('\u001f');

    // Act
    const canonical = canonicalOf(sourceRecord(event, { cluster_id: 'onprem-dc1' }));

    // Assess
    expect(canonical.event_id).toBe(uuidv5(name, EVENT_ID_NAMESPACE));
  });

  it('is the same however often and whenever the event is read', () => {
    // Prepare
    const event = fixtureEvent('eks/node-patch-node-status.json');

    // Act
    const first = canonicalOf(sourceRecord(event));
    const later = canonicalOf(sourceRecord(event, { ingest_time: '2026-12-01T00:00:00.000Z', source_offset: '912', source_record_index: 911 }));

    // Assess
    expect(later.event_id).toBe(first.event_id);
  });

  it('tells the stages of one request apart', () => {
    // Prepare
    const received = auditEvent({ stage: 'RequestReceived', stageTimestamp: '2026-11-20T14:03:07.412135Z', responseStatus: undefined });
    const complete = auditEvent();

    // Act
    const ids = [received, complete].map((event) => canonicalOf(sourceRecord(event)).event_id);

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('tells the same audit ID on two clusters apart', () => {
    // Act
    const first = canonicalOf(sourceRecord(auditEvent(), { cluster_id: 'onprem-dc1' }));
    const second = canonicalOf(sourceRecord(auditEvent(), { cluster_id: 'onprem-dc2' }));

    // Assess
    expect(first.event_id).not.toBe(second.event_id);
  });

  it('is the same for an EKS event read through the CloudWatch subscription and through an audit log file of the same cluster id', () => {
    // Prepare
    const event = fixtureEvent('eks/sso-admin-get-aws-auth.json');
    const subscription = decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [event] })), DECODER_CONTEXT);
    const logFile = decodeAuditLogLines(auditLogLines([event]), { ...DECODER_CONTEXT, clusterId: EKS_CLUSTER_ARN });

    // Act
    const viaSubscription = canonicalOf(subscription.records[0]!);
    const viaLogFile = canonicalOf(logFile.records[0]!);

    // Assess
    expect(viaSubscription.cluster_id).toBe(EKS_CLUSTER_ARN);
    expect(viaLogFile.event_id).toBe(viaSubscription.event_id);
  });

  it('is the same for an AKS event sent in both kube-audit and kube-audit-admin, as text or as an object', () => {
    // Prepare
    const event = fixtureEvent('aks/aad-user-forbidden-delete-namespace.json');
    const body = eventHubBody([aksRecord(event, { category: 'kube-audit' }), aksRecord(event, { category: 'kube-audit-admin', logAs: 'object' })]);
    const batch = decodeEventHubMessages(eventHubMessages([body]), DECODER_CONTEXT);

    // Act
    const [audit, auditAdmin] = batch.records.map(canonicalOf);

    // Assess
    expect(audit?.event_id).toBe(auditAdmin?.event_id);
  });
});
