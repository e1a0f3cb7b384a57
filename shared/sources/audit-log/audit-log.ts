import { type DecodedBatch, emptyBatch, partKey, provenanceOf } from '../../core/decoded-batch.ts';
import { shortHash } from '../../core/digest.ts';
import { safeText } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { buildQuarantineRecord } from '../../core/quarantine.ts';
import type { Provenance } from '../../schema/canonical-event.ts';

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

/**
 * An `audit.k8s.io/v1` EventList (the webhook backend's body, or `kubectl get`-style dumps), as
 * batches of at most `limits.maxRecordsPerBatch` items: a list of any length is stored whole, one
 * part after another (see `partKey`), and each part is built only when it is asked for, so the
 * records of one part at most are in memory. Not an EventList: one batch quarantining it.
 */
export function* decodeAuditEventList(list: unknown, context: AuditLogContext, batchKey: string): Generator<DecodedBatch, void, undefined> {
  const base = selfManagedProvenance(context);
  const items = (list as { items?: unknown } | null)?.items;
  if ((list as { kind?: unknown } | null)?.kind !== 'EventList' || !Array.isArray(items)) {
    const batch = emptyBatch(batchKey);
    batch.quarantined.push(buildQuarantineRecord(base, 'invalid_payload', 'expected an audit.k8s.io EventList {kind: EventList, items: […]}', safeText(list)));
    yield batch;
    return;
  }
  const size = context.limits.maxRecordsPerBatch;
  // An empty list is still one (empty) batch, as every other decoder returns for an empty payload.
  for (let part = 0; part === 0 || part * size < items.length; part++) {
    const batch = emptyBatch(partKey(batchKey, part));
    const end = Math.min(items.length, (part + 1) * size);
    for (let index = part * size; index < end; index++) batch.records.push({ text: null, value: items[index], provenance: { ...base, source_record_index: index } });
    yield batch;
  }
}

/**
 * The API server's log backend: one JSON audit event per line. Line numbers (1-based) become
 * `source_offset`; blank lines are not records.
 */
export function decodeAuditLogLines(text: string, context: AuditLogContext): DecodedBatch {
  const batch = emptyBatch(`file-${shortHash(text)}`);
  const lines = new AuditLogLines(context);
  let lineNumber = 0;
  for (const line of text.split('\n')) lines.add(batch, line, ++lineNumber);
  return batch;
}

/**
 * Lines of a log-backend file read one at a time, into whichever batch is being filled: record
 * indexes go on counting across batches, so a file read as a stream gives each event the
 * provenance it would have had read whole.
 */
export class AuditLogLines {
  private readonly base: Provenance;
  private recordIndex = 0;

  constructor(
    private readonly context: AuditLogContext,
    firstRecordIndex = 0,
  ) {
    this.base = selfManagedProvenance(context);
    this.recordIndex = firstRecordIndex;
  }

  /** The index the next record will have. */
  get nextRecordIndex(): number {
    return this.recordIndex;
  }

  /**
   * Adds line `lineNumber` (without its `\n`) to `batch`. `cutAtBytes` says the line was longer
   * than that many bytes and only its beginning was kept: it is quarantined as too long.
   */
  add(batch: DecodedBatch, line: string, lineNumber: number, cutAtBytes?: number): void {
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (content.trim() === '') return;
    const provenance = { ...this.base, source_offset: String(lineNumber), source_record_index: this.recordIndex++ };
    const limit = this.context.limits.maxEventBytes;
    if (cutAtBytes !== undefined || content.length > limit) {
      const size = cutAtBytes === undefined ? `${content.length} characters` : `more than ${cutAtBytes} bytes`;
      batch.quarantined.push(buildQuarantineRecord(provenance, 'limit_exceeded', `line ${lineNumber}: ${size} exceeds the event size limit of ${limit}`, content));
    } else {
      batch.records.push({ text: content, provenance });
    }
  }
}
