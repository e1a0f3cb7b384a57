/**
 * Builders for audit.k8s.io/v1 Events and their cloud envelopes, written from the documented
 * formats. Tests state only what matters to them; everything else is a realistic default.
 */
import { readFileSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { provenanceOf } from '../../shared/core/decoded-batch.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import type { SourceRecord } from '../../shared/core/source-record.ts';
import { normalizeRecord } from '../../shared/normalize/normalize-record.ts';
import type { CanonicalEvent, Provenance } from '../../shared/schema/canonical-event.ts';
import type { QuarantineRecord } from '../../shared/schema/quarantine-record.ts';
import type { EventHubMessage } from '../../shared/sources/eventhub/eventhub-messages.ts';

export type AuditEvent = Record<string, unknown>;

/** When the tests' batches are received. */
export const INGEST_TIME = '2026-11-20T14:05:00.000Z';

/** What every decoder is told besides its input: the function's region, a fixed ingest time, default limits. */
export const DECODER_CONTEXT = { region: 'eu-west-1', ingestTime: INGEST_TIME, limits: DEFAULT_LIMITS };

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** A fixture file's text, named from test/fixtures (e.g. `eks/truncated-configmap-update.txt`). */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** An audit event written as a fixture (e.g. `aks/masterclient-list-nodes.json`). */
export function fixtureEvent(name: string): AuditEvent {
  return JSON.parse(fixtureText(name)) as AuditEvent;
}

/** A ResponseComplete event of `kubectl get pods -n default` by a human user, at Metadata level. */
export function auditEvent(overrides: AuditEvent = {}): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: '6f8c3c2a-1d2e-4b7a-9c0d-3e4f5a6b7c8d',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods?limit=500',
    verb: 'list',
    user: {
      username: 'alice@example.com',
      uid: 'b1946ac9-2b6a-4c4e-8a7d-0f4c3e2d1a00',
      groups: ['developers', 'system:authenticated'],
    },
    sourceIPs: ['203.0.113.10', '10.0.12.7'],
    userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-11-20T14:03:07.412135Z',
    stageTimestamp: '2026-11-20T14:03:07.419876Z',
    annotations: {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "dev-view/default" of ClusterRole "view" to Group "developers"',
    },
    ...overrides,
  };
}

interface LogEventInput {
  id?: string;
  timestamp?: number;
  message: string;
}

export interface CloudWatchPayloadInput {
  clusterName?: string;
  logGroup?: string;
  logStream?: string;
  owner?: string;
  messageType?: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  events: (AuditEvent | string | LogEventInput)[];
}

/** A decoded CloudWatch Logs subscription payload from an EKS cluster's audit stream. */
export function cloudWatchPayload(input: CloudWatchPayloadInput): Record<string, unknown> {
  const clusterName = input.clusterName ?? 'prod-eu';
  return {
    messageType: input.messageType ?? 'DATA_MESSAGE',
    owner: input.owner ?? '123456789012',
    logGroup: input.logGroup ?? `/aws/eks/${clusterName}/cluster`,
    logStream: input.logStream ?? 'kube-apiserver-audit-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d',
    subscriptionFilters: ['kaudit'],
    logEvents: input.events.map((event, index) => toLogEvent(event, index)),
  };
}

function toLogEvent(event: AuditEvent | string | LogEventInput, index: number): Record<string, unknown> {
  const base = { id: `3816291020138475620184756201847562018475620184756${String(index).padStart(5, '0')}`, timestamp: Date.parse('2026-11-20T14:03:07.420Z') + index };
  if (typeof event === 'string') return { ...base, message: event };
  if (typeof (event as LogEventInput).message === 'string' && !('auditID' in event)) return { ...base, ...(event as LogEventInput) };
  return { ...base, message: JSON.stringify(event) };
}

/** The Lambda event a CloudWatch Logs subscription delivers: base64 of gzip (or zlib) of the payload. */
export function cloudWatchSubscriptionEvent(payload: Record<string, unknown>, compression: 'gzip' | 'zlib' = 'gzip'): { awslogs: { data: string } } {
  const json = Buffer.from(JSON.stringify(payload));
  const compressed = compression === 'gzip' ? gzipSync(json) : deflateSync(json);
  return { awslogs: { data: compressed.toString('base64') } };
}

export interface AksRecordInput {
  subscription?: string;
  resourceGroup?: string;
  cluster?: string;
  category?: string;
  time?: string;
  /** `string` (default): properties.log is JSON text ending in a newline, as AKS sends it. */
  logAs?: 'string' | 'object';
}

/** One AKS diagnostic-settings record carrying an audit event (or any text) in properties.log. */
export function aksRecord(event: AuditEvent | string, input: AksRecordInput = {}): Record<string, unknown> {
  const subscription = input.subscription ?? '8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b';
  const resourceGroup = input.resourceGroup ?? 'rg-platform-prod';
  const cluster = input.cluster ?? 'aks-weu-prod';
  const log = typeof event === 'string' ? event : input.logAs === 'object' ? event : `${JSON.stringify(event)}\n`;
  return {
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    category: input.category ?? 'kube-audit-admin',
    ccpNamespace: '65a1f2e3d4c5b6a7f8e9d0c1',
    resourceId: `/SUBSCRIPTIONS/${subscription.toUpperCase()}/RESOURCEGROUPS/${resourceGroup.toUpperCase()}/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/${cluster.toUpperCase()}`,
    properties: { log, stream: 'stdout', pod: 'kube-apiserver-7d9f8b6c5d-x2x4q', containerID: '3f1e2d4c5b6a7980' },
    time: input.time ?? '2026-11-20T14:03:07.4301234Z',
    Cloud: 'AzureCloud',
    Environment: 'prod',
    UnderlayClass: 'hcp-underlay',
    UnderlayName: 'hcp-underlay-westeurope-cx-42',
  };
}

/** An Event Hubs message body as diagnostic settings send it. */
export function eventHubBody(records: Record<string, unknown>[]): { records: Record<string, unknown>[] } {
  return { records };
}

/** An audit.k8s.io/v1 EventList, as the webhook backend POSTs it. */
export function eventList(items: AuditEvent[]): Record<string, unknown> {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
}

export interface EventHubMessageInput {
  partition?: string;
  /** Sequence number of the first message; the others follow on. */
  firstSequenceNumber?: number;
  /** Enqueued time of the first message; the others follow a second apart. */
  firstEnqueuedTime?: string;
}

/** Event Hubs messages as the trigger hands them over: bodies with consecutive sequence numbers on one partition. */
export function eventHubMessages(bodies: unknown[], input: EventHubMessageInput = {}): EventHubMessage[] {
  const firstSequenceNumber = input.firstSequenceNumber ?? 48_213;
  const firstEnqueued = Date.parse(input.firstEnqueuedTime ?? '2026-11-20T14:03:08.125Z');
  return bodies.map((body, index) => ({
    body,
    partition: input.partition ?? '3',
    sequenceNumber: firstSequenceNumber + index,
    offset: String(25_769_803_776 + index * 4_096),
    enqueuedTime: new Date(firstEnqueued + index * 1_000).toISOString(),
  }));
}

/** A record as a decoder hands it to the normalizer: the event's text from a self-managed cluster's log file. */
export function sourceRecord(event: AuditEvent | string, provenance: Partial<Provenance> = {}): SourceRecord {
  return {
    text: typeof event === 'string' ? event : JSON.stringify(event),
    provenance: provenanceOf({
      platform: 'self_managed',
      cloud_provider: 'none',
      cluster_name: 'onprem-dc1',
      cluster_id: 'onprem-dc1',
      source_type: 'file',
      source_stream: '/var/log/kubernetes/audit/audit.log',
      source_offset: '1',
      source_record_index: 0,
      ingest_time: INGEST_TIME,
      ...provenance,
    }),
  };
}

/** The canonical event a record normalizes to; fails the test, with the reason, when it is quarantined instead. */
export function canonicalOf(record: SourceRecord): CanonicalEvent {
  const result = normalizeRecord(record);
  if (!result.ok) throw new Error(`expected a canonical event, got quarantine ${result.quarantine.reason}: ${result.quarantine.detail}`);
  return result.event;
}

/** The quarantine record a record normalizes to; fails the test when it becomes an event instead. */
export function quarantineOf(record: SourceRecord): QuarantineRecord {
  const result = normalizeRecord(record);
  if (result.ok) throw new Error(`expected a quarantine record, got event ${result.event.event_id}`);
  return result.quarantine;
}

/** An event's JSON text cut right after the first occurrence of `marker`, as a size limit cuts it. */
export function cutAfter(event: AuditEvent, marker: string): string {
  const text = JSON.stringify(event);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`cutAfter: ${JSON.stringify(marker)} is not in the event text`);
  return text.slice(0, at + marker.length);
}

/** JSON lines as the API server's log backend writes them. */
export function auditLogLines(events: AuditEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

export interface FirehoseRecordInput {
  recordId?: string;
  /** How the payloads are joined: `\n` (default) or `` (back to back, `}{`). */
  separator?: string;
  /** `gzip` (default) as CloudWatch Logs writes to Firehose; `none` as with Firehose's own decompression. */
  compression?: 'gzip' | 'none';
}

/** One Firehose record carrying CloudWatch Logs payloads: base64 of gzip of the payloads' JSON, concatenated. */
export function firehoseRecord(
  payloads: (Record<string, unknown> | string)[],
  input: FirehoseRecordInput = {},
): { recordId: string; approximateArrivalTimestamp: number; data: string } {
  const text = Buffer.from(payloads.map((payload) => (typeof payload === 'string' ? payload : JSON.stringify(payload))).join(input.separator ?? '\n'));
  return {
    recordId: input.recordId ?? '49546986683135544286507457936321625675700192471156785154',
    approximateArrivalTimestamp: 1_795_701_788_000,
    data: (input.compression === 'none' ? text : gzipSync(text)).toString('base64'),
  };
}

/** The event Firehose passes a data-transformation Lambda. */
export function firehoseTransformationEvent(records: ReturnType<typeof firehoseRecord>[]): Record<string, unknown> & { records: ReturnType<typeof firehoseRecord>[] } {
  return {
    invocationId: 'a7f3c2e1-5b4d-4c3a-9e8f-1d2c3b4a5f6e',
    deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/kaudit-eks-audit',
    region: 'eu-west-1',
    records,
  };
}
