import type { CanonicalEvent } from '../schema/canonical-event.ts';
import type { Finding } from '../schema/finding.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';
import { EVENTS_PREFIX, FINDINGS_PREFIX, objectKey, partitionOf, QUARANTINE_PREFIX } from './layout.ts';
import { NdjsonGzipWriter } from './ndjson-gzip-writer.ts';
import type { ObjectStore } from './object-store.ts';

/** Rows newly stored, and rows whose object a previous delivery of the batch already stored. */
export interface WriteResult {
  written: number;
  duplicates: number;
}

/** Where canonical events and quarantine records go. */
export interface EventStore {
  readonly url: string;
  /**
   * Stores one batch's events. `events` is iterated once, in order, and may produce them as it goes
   * (the pipeline normalizes each record only when asked for it), so a store that serializes each
   * event as it comes never holds the batch's events whole.
   */
  writeEvents(batchKey: string, events: Iterable<CanonicalEvent>): Promise<WriteResult>;
  writeQuarantine(batchKey: string, records: readonly QuarantineRecord[]): Promise<WriteResult>;
  /** Stores findings, partitioned by their event's time, create-only like events. */
  writeFindings(batchKey: string, findings: readonly Finding[]): Promise<WriteResult>;
}

/**
 * The lake (docs/contracts.md#store-layout) over any {@link ObjectStore}: gzip NDJSON, one object per (batch, hour),
 * named by the batch key so a redelivered batch finds its objects already written.
 */
export class LakeEventStore implements EventStore {
  constructor(readonly objects: ObjectStore) {}

  get url(): string {
    return this.objects.url;
  }

  writeEvents(batchKey: string, events: Iterable<CanonicalEvent>): Promise<WriteResult> {
    return this.writeRows(EVENTS_PREFIX, batchKey, events);
  }

  writeQuarantine(batchKey: string, records: readonly QuarantineRecord[]): Promise<WriteResult> {
    return this.writeRows(QUARANTINE_PREFIX, batchKey, records);
  }

  writeFindings(batchKey: string, findings: readonly Finding[]): Promise<WriteResult> {
    return this.writeRows(FINDINGS_PREFIX, batchKey, findings);
  }

  private async writeRows(prefix: string, batchKey: string, rows: Iterable<{ time: string }>): Promise<WriteResult> {
    // Each row is serialized and compressed as it comes, into its partition's object.
    const partitions = new Map<string, NdjsonGzipWriter>();
    try {
      for (const row of rows) {
        const partition = partitionOf(row.time);
        let writer = partitions.get(partition);
        if (!writer) partitions.set(partition, (writer = new NdjsonGzipWriter()));
        writer.add(wellFormedJson(row));
        if (writer.full) await writer.flush();
      }
      const result: WriteResult = { written: 0, duplicates: 0 };
      // Objects are written one after another: a crash between two leaves the first complete, and
      // the retried batch finds it and writes only the rest.
      for (const [partition, writer] of [...partitions].sort(([a], [b]) => a.localeCompare(b))) {
        const outcome = await this.objects.putIfAbsent(objectKey(prefix, partition, batchKey), await writer.finish());
        result[outcome === 'created' ? 'written' : 'duplicates'] += writer.rows;
      }
      return result;
    } catch (error) {
      for (const writer of partitions.values()) writer.abort();
      throw error;
    }
  }
}

/** One JSON object per line, each line ending in a newline (so concatenated outputs stay NDJSON). */
export function encodeNdjson(rows: readonly unknown[]): string {
  let text = '';
  for (const row of rows) text += `${wellFormedJson(row)}\n`;
  return text;
}

/**
 * JSON.stringify writes a lone surrogate (which only hostile or garbled input holds) as a \udXXX
 * escape, and readers such as DuckDB reject the whole object for it; it becomes U+FFFD instead.
 * Surrogate pairs are written as characters, so every such escape not itself escaped is a lone one.
 */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

function wellFormedJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd') : json;
}
