import { type DecodedBatch, receivedOf } from '../core/decoded-batch.ts';
import { emptySummary, type IngestSummary } from '../core/ingest-summary.ts';
import { epochMicros } from '../core/time.ts';
import { METRICS } from './metric-names.ts';

/** What one function invocation did with its batch: the source of its log line and its metrics. */
export interface InvocationReport {
  batchKey: string;
  /** received = written + duplicates + skipped + quarantined + deadLettered. */
  summary: IngestSummary;
  /** Records sent to the dead-letter store instead of the lake (a replay stores them later). */
  deadLettered: number;
  /** The dead-letter object, when the batch went there. */
  deadLetterKey: string | null;
  /** Newest source time among the batch's records, when any had one. */
  newestSourceTime: string | null;
  ingestTime: string;
  /** The cluster every record of the batch came from; null when none is known or there are several. */
  cluster: string | null;
}

/** The report of a batch that was stored. */
export function storedReport(batch: DecodedBatch, summary: IngestSummary, ingestTime: string): InvocationReport {
  const provenances = [...batch.records.map((record) => record.provenance), ...batch.quarantined];
  const clusters = new Set(provenances.map((provenance) => provenance.cluster_name));
  let newest: { time: string; micros: number } | null = null;
  for (const { source_time: time } of provenances) {
    const micros = time === null ? Number.NaN : epochMicros(time);
    if (time !== null && Number.isFinite(micros) && (newest === null || micros > newest.micros)) newest = { time, micros };
  }
  return {
    batchKey: batch.batchKey,
    summary,
    deadLettered: 0,
    deadLetterKey: null,
    newestSourceTime: newest?.time ?? null,
    ingestTime,
    cluster: clusters.size === 1 ? ([...clusters][0] ?? null) : null,
  };
}

/**
 * The report of a batch sent whole to the dead-letter store: nothing of it counts as stored, even
 * objects an earlier attempt wrote, because its replay processes every record again.
 */
export function deadLetteredReport(batch: DecodedBatch, ingestTime: string, deadLetterKey: string): InvocationReport {
  // Counted from the decoded batch, as processBatch counts it: processing may be what failed.
  const received = receivedOf(batch);
  return { ...storedReport(batch, { ...emptySummary(), received }, ingestTime), deadLettered: received, deadLetterKey };
}

/** The metrics of an invocation under their published names (METRICS); the lag only when known. */
export function metricValues(report: InvocationReport): Record<string, number> {
  const { summary } = report;
  const values: Record<string, number> = {
    [METRICS.received]: summary.received,
    [METRICS.written]: summary.written,
    [METRICS.duplicates]: summary.duplicates,
    [METRICS.skipped]: summary.skipped,
    [METRICS.quarantined]: summary.quarantined,
    [METRICS.deadLettered]: report.deadLettered,
  };
  const lag = ingestLagSeconds(report);
  if (lag !== null) values[METRICS.ingestLagSeconds] = lag;
  return values;
}

/** Seconds from the newest source time to ingest time; 0 when the source's clock runs ahead. */
function ingestLagSeconds(report: InvocationReport): number | null {
  if (report.newestSourceTime === null) return null;
  const lagMicros = epochMicros(report.ingestTime) - epochMicros(report.newestSourceTime);
  return Number.isFinite(lagMicros) ? Math.max(0, lagMicros) / 1e6 : null;
}
