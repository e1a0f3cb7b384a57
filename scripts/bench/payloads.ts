/**
 * Batches as the platforms deliver them, filled to their limits with the realistic audit mix:
 * - EKS: a CloudWatch Logs subscription event holding at most 10,000 log events and 1 MiB of
 *   messages (CloudWatch counts each event as its UTF-8 bytes + 26);
 * - AKS: an Event Hubs trigger batch of 100 diagnostic-settings messages (the trigger's default
 *   maxEventBatchSize), each `{"records":[…]}` up to Event Hubs' 1 MiB message limit.
 */
import type { EventHubTriggerMetadata } from '../../shared/sources/eventhub/trigger-runtime.ts';
import { type AuditEvent, aksRecord, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../../test/helpers/audit-events.ts';
import { nextAuditEvent } from './audit-mix.ts';
import { Sequence } from './sequence.ts';

const MIB = 1024 * 1024;
const CLOUDWATCH_MAX_EVENTS = 10_000;
const CLOUDWATCH_MAX_BATCH_BYTES = MIB;
const CLOUDWATCH_EVENT_OVERHEAD = 26;
const EVENTHUB_BATCH_MESSAGES = 100;
const EVENTHUB_MAX_MESSAGE_BYTES = MIB;
/** Diagnostic settings don't always fill a message: sizes spread over this range, up to the limit. */
const EVENTHUB_MIN_MESSAGE_BYTES = 128 * 1024;

export interface EksBatch {
  /** The Lambda event: `{"awslogs":{"data": base64(gzip(payload))}}`. */
  event: { awslogs: { data: string } };
  events: number;
  /** Bytes of the decoded (gunzipped) payload JSON: what the function has to read. */
  payloadBytes: number;
}

export interface AksBatch {
  /** Message bodies as the trigger hands them over with dataType string. */
  bodies: string[];
  metadata: EventHubTriggerMetadata;
  events: number;
  payloadBytes: number;
}

/** A CloudWatch Logs subscription event from one EKS audit stream, as full as the platform allows. */
export function maxEksBatch(seed: number): EksBatch {
  const seq = new Sequence(seed);
  const events: AuditEvent[] = [];
  let batchBytes = 0;
  while (events.length < CLOUDWATCH_MAX_EVENTS) {
    const event = nextAuditEvent(seq, 'eks');
    const size = Buffer.byteLength(JSON.stringify(event)) + CLOUDWATCH_EVENT_OVERHEAD;
    if (batchBytes + size > CLOUDWATCH_MAX_BATCH_BYTES) break;
    batchBytes += size;
    events.push(event);
  }
  const payload = cloudWatchPayload({ events, logStream: `kube-apiserver-audit-${seq.hex(32)}` });
  return { event: cloudWatchSubscriptionEvent(payload), events: events.length, payloadBytes: Buffer.byteLength(JSON.stringify(payload)) };
}

/** One Event Hubs trigger invocation: 100 AKS diagnostic-settings messages on one partition. */
export function aksBatch(seed: number): AksBatch {
  const seq = new Sequence(seed);
  const bodies: string[] = [];
  let events = 0;
  let pending: AuditEvent | undefined;
  for (let message = 0; message < EVENTHUB_BATCH_MESSAGES; message++) {
    const target = seq.int(EVENTHUB_MIN_MESSAGE_BYTES, EVENTHUB_MAX_MESSAGE_BYTES);
    const records: string[] = [];
    let size = '{"records":[]}'.length;
    for (;;) {
      const event = pending ?? nextAuditEvent(seq, 'aks');
      const record = JSON.stringify(aksRecord(event, { time: event.stageTimestamp as string }));
      const added = Buffer.byteLength(record) + (records.length > 0 ? 1 : 0);
      pending = undefined;
      if (size + added > target && records.length > 0) {
        pending = event;
        break;
      }
      records.push(record);
      size += added;
    }
    events += records.length;
    // Joined as text so the 1 MiB bound is exact: the bytes JSON.stringify({ records }) would give.
    bodies.push(`{"records":[${records.join(',')}]}`);
  }
  const payloadBytes = bodies.reduce((total, body) => total + Buffer.byteLength(body), 0);
  return { bodies, metadata: triggerMetadata(seed, bodies.length), events, payloadBytes };
}

function triggerMetadata(seed: number, count: number): EventHubTriggerMetadata {
  const firstSequence = seed * 1_000;
  return {
    partitionContext: { partitionId: String(seed % 4), eventHubName: 'aks-audit', consumerGroup: 'kaudit', fullyQualifiedNamespace: 'ehns-platform-prod.servicebus.windows.net' },
    sequenceNumberArray: Array.from({ length: count }, (_, index) => firstSequence + index),
    offsetArray: Array.from({ length: count }, (_, index) => String((firstSequence + index) * 4_096)),
    enqueuedTimeUtcArray: Array.from({ length: count }, (_, index) => new Date(Date.parse('2026-11-20T14:03:08.125Z') + index * 100).toISOString()),
  };
}
