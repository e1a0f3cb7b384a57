/**
 * How the contracts count what CloudWatch Logs delivers, derived from the payloads themselves (never from
 * kaudit's decoders): a control message is one skip, every log event of a stream that is not an EKS
 * audit stream one `not_audit_stream` skip, and a document that is no CloudWatch Logs payload one
 * quarantine record, under the reason of the path that read it.
 */
import { expect } from 'vitest';
import type { QuarantineReason } from '../../shared/schema/quarantine-record.ts';
import { EKS_AUDIT_STREAM_PREFIX } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';

export interface CloudWatchPayload {
  messageType?: string;
  logStream?: string;
  logEvents?: unknown[];
}

/** Counts by skip or quarantine reason, as `IngestSummary.reasons` holds them. */
export type Reasons = Record<string, number>;

/** `notCloudWatch`: what the path makes of other JSON (`kaudit ingest` reads it as an audit event line; Firehose's data must be payloads). */
export function expectedReasonsOf(document: CloudWatchPayload, notCloudWatch: QuarantineReason): Reasons {
  if (document.messageType === 'CONTROL_MESSAGE') return { control_message: 1 };
  if (document.messageType !== 'DATA_MESSAGE') return { [notCloudWatch]: 1 };
  expect(document.logStream?.startsWith(EKS_AUDIT_STREAM_PREFIX), `${document.logStream} is not an audit stream`).toBe(false);
  return { not_audit_stream: document.logEvents?.length ?? 0 };
}

export function sumReasons(counts: Reasons[]): Reasons {
  const total: Reasons = {};
  for (const reasons of counts) {
    for (const [reason, count] of Object.entries(reasons)) total[reason] = (total[reason] ?? 0) + count;
  }
  return total;
}
