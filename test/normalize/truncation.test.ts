import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_NAMESPACE } from '../../shared/core/event-id.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import {
  aksRecord,
  auditEvent,
  canonicalOf,
  cloudWatchPayload,
  cutAfter,
  DECODER_CONTEXT,
  eventHubBody,
  eventHubMessages,
  fixtureText,
  quarantineOf,
  sourceRecord,
} from '../helpers/audit-events.ts';

const TRUNCATED_WARNING = 'truncated: rebuilt from the surviving prefix';

/** An EKS audit event CloudWatch cut short, as the subscription delivers it. */
function eksTruncatedRecord() {
  const message = fixtureText('eks/truncated-configmap-update.txt');
  const payload = cloudWatchPayload({ events: [{ id: '38162910201384756201847562018475620184756201847562018477', timestamp: Date.parse('2026-11-20T09:16:44.330Z'), message }] });
  return decodeCloudWatchPayload(payload, DECODER_CONTEXT).records[0]!;
}

/** An AKS audit event cut at 16 KiB, as diagnostic settings deliver it. */
function aksTruncatedRecord() {
  const body = eventHubBody([aksRecord(fixtureText('aks/truncated-configmap-create.txt'), { time: '2026-11-20T10:02:17.8701234Z' })]);
  return decodeEventHubMessages(eventHubMessages([body]), DECODER_CONTEXT).records[0]!;
}

describe('truncated audit events', () => {
  it('salvages an EKS event cut with [Truncated...] into an event flagged is_truncated', () => {
    // Act
    const canonical = canonicalOf(eksTruncatedRecord());

    // Assess
    expect(canonical).toMatchObject({
      is_truncated: true,
      audit_id: '3e7b9d21-c4a6-4f80-9b15-8d2e6f0a4c73',
      stage: 'ResponseComplete',
      level: 'RequestResponse',
      verb: 'update',
      request_uri: '/api/v1/namespaces/monitoring/configmaps/prometheus-kubernetes-rules',
      user_name: 'system:serviceaccount:argocd:argocd-application-controller',
      user_type: 'service_account',
      object_resource: 'configmaps',
      object_namespace: 'monitoring',
      object_name: 'prometheus-kubernetes-rules',
      object_uid: '9b2f4e7c-1a3d-4c58-8e06-d7f1b3a9c2e4',
      response_code: 200,
      cluster_name: 'prod-eu',
    });
  });

  it('salvages an AKS event cut at 16 KiB into an event flagged is_truncated', () => {
    // Act
    const canonical = canonicalOf(aksTruncatedRecord());

    // Assess
    expect(canonical).toMatchObject({
      is_truncated: true,
      audit_id: 'b6d2f8a4-3c1e-4a97-8d05-e7f9c2b1a364',
      stage: 'ResponseComplete',
      verb: 'create',
      request_uri: '/api/v1/namespaces/observability/configmaps?fieldManager=helm',
      user_name: 'devon.okafor@contoso.com',
      src_ip: '20.54.112.36',
      object_resource: 'configmaps',
      object_namespace: 'observability',
      object_name: 'prometheus-alert-rules',
      response_code: 201,
      cluster_name: 'aks-weu-prod',
    });
  });

  it.each([
    ['EKS', eksTruncatedRecord, '2026-11-20T09:16:44.330Z'],
    ['AKS', aksTruncatedRecord, '2026-11-20T10:02:17.8701234Z'],
  ])('takes the time of an %s event whose timestamps were cut from the envelope, and says so', (_source, record, sourceTime) => {
    // Act
    const canonical = canonicalOf(record());

    // Assess
    expect(canonical).toMatchObject({ time: sourceTime, start_time: null, duration_ms: null });
    expect(canonical.parse_warnings).toEqual([TRUNCATED_WARNING, 'stageTimestamp missing: time taken from source_time', 'requestReceivedTimestamp lost to truncation']);
  });

  it('keeps the timestamps when the cut falls after them', () => {
    // Prepare
    const text = cutAfter(auditEvent(), '"authorization.k8s.io/decision":"al');

    // Act
    const canonical = canonicalOf(sourceRecord(text));

    // Assess
    expect(canonical).toMatchObject({ is_truncated: true, time: '2026-11-20T14:03:07.419876Z', start_time: '2026-11-20T14:03:07.412135Z', duration_ms: 7.741 });
    expect(canonical.parse_warnings).toEqual([TRUNCATED_WARNING]);
  });

  it('drops a value cut part-way instead of reading what is left of it', () => {
    // Prepare
    const text = cutAfter(auditEvent(), '"code":20');

    // Act
    const canonical = canonicalOf(sourceRecord(text));

    // Assess
    expect(canonical).toMatchObject({ is_truncated: true, response_code: null, outcome: 'unknown' });
  });

  it('gives a truncated event an id with the lost timestamps as empty parts', () => {
    // Prepare
    const name = [
      'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu',
      '3e7b9d21-c4a6-4f80-9b15-8d2e6f0a4c73',
      'ResponseComplete',
      '',
      '',
      'update',
      '/api/v1/namespaces/monitoring/configmaps/prometheus-kubernetes-rules',
      'system:serviceaccount:argocd:argocd-application-controller',
    ].join('\u001f');

    // Act
    const canonical = canonicalOf(eksTruncatedRecord());

    // Assess
    expect(canonical.event_id).toBe(uuidv5(name, EVENT_ID_NAMESPACE));
  });

  it.each([
    ['auditID', cutAfter(auditEvent(), '"auditID":"6f8c')],
    ['stage', cutAfter(auditEvent(), '"stage":"Resp')],
    ['auditID, marked by EKS', `${cutAfter(auditEvent(), '"auditID":"6f8c')}[Truncated...]`],
    ['everything after kind', cutAfter(auditEvent(), '"kind":"Event","apiVer')],
  ])('quarantines an event cut before its %s survived as truncated_unrecoverable', (_lost, text) => {
    // Act
    const quarantine = quarantineOf(sourceRecord(text));

    // Assess
    expect(quarantine).toMatchObject({ reason: 'truncated_unrecoverable', raw: text });
  });
});
