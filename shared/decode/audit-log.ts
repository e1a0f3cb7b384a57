import type { Provenance } from '../schema/canonical-event.ts';
import { buildQuarantineRecord } from '../normalize/quarantine.ts';
import type { Limits } from '../limits.ts';
import { safeText } from './json-text.ts';
import { emptyBatch, provenanceOf, shortHash, type DecodedBatch } from './decoded-batch.ts';

/** Identity of a self-managed cluster, configured by whoever runs the ingestion. */
export interface AuditLogContext {
  clusterName?: string | null;
  clusterId?: string | null;
  sourceType?: Extract<Provenance['source_type'], 'file' | 'webhook'>;
  /** File path, or the webhook's route. */
  sourceStream?: string | null;
  ingestTime: string;
  limits: Limits;
}

function selfManagedProvenance(context: AuditLogContext): Provenance {
  return provenanceOf({
    platform: 'self_managed',
    cloud_provider: 'none',
    cluster_name: context.clusterName ?? null,
    cluster_id: context.clusterId ?? context.clusterName ?? null,
    source_type: context.sourceType ?? 'file',
    source_stream: context.sourceStream ?? null,
    ingest_time: context.ingestTime,
  });
}

/** An `audit.k8s.io/v1` EventList (the webhook backend's body, or `kubectl get`-style dumps). */
export function decodeAuditEventList(list: unknown, context: AuditLogContext, batchKey: string): DecodedBatch {
  const batch = emptyBatch(batchKey);
  const base = selfManagedProvenance(context);
  const items = (list as { items?: unknown } | null)?.items;
  if ((list as { kind?: unknown } | null)?.kind !== 'EventList' || !Array.isArray(items)) {
    batch.quarantined.push(buildQuarantineRecord(base, 'invalid_payload', 'expected an audit.k8s.io EventList {kind: EventList, items: […]}', safeText(list)));
    return batch;
  }
  if (items.length > context.limits.maxRecordsPerBatch) {
    const detail = `EventList has ${items.length} items, over the limit of ${context.limits.maxRecordsPerBatch}`;
    batch.quarantined.push(buildQuarantineRecord(base, 'limit_exceeded', detail, null));
    return batch;
  }
  items.forEach((item, index) => batch.records.push({ text: null, value: item, provenance: { ...base, source_record_index: index } }));
  return batch;
}

/**
 * The API server's log backend: one JSON audit event per line. Line numbers (1-based) become
 * `source_offset`; blank lines are not records.
 */
export function decodeAuditLogLines(text: string, context: AuditLogContext): DecodedBatch {
  const batch = emptyBatch(`file-${shortHash(text)}`);
  const base = selfManagedProvenance(context);
  let lineNumber = 0;
  let recordIndex = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (content.trim() === '') continue;
    const provenance = { ...base, source_offset: String(lineNumber), source_record_index: recordIndex++ };
    if (content.length > context.limits.maxEventBytes) {
      const detail = `line ${lineNumber}: ${content.length} characters exceeds the event size limit of ${context.limits.maxEventBytes}`;
      batch.quarantined.push(buildQuarantineRecord(provenance, 'limit_exceeded', detail, content));
    } else {
      batch.records.push({ text: content, provenance });
    }
  }
  return batch;
}
