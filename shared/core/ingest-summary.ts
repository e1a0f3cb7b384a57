/** The outcome of ingesting input, with received = written + duplicates + skipped + quarantined. */
export interface IngestSummary {
  received: number;
  written: number;
  duplicates: number;
  skipped: number;
  quarantined: number;
  /** Counts of skipped and quarantined records by reason. */
  reasons: Record<string, number>;
  /** Findings the detection rules made on the stored events; absent when no rules ran. */
  findings?: number;
}

export function emptySummary(): IngestSummary {
  return { received: 0, written: 0, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} };
}

export function addReason(summary: IngestSummary, reason: string, count = 1): void {
  if (count > 0) summary.reasons[reason] = (summary.reasons[reason] ?? 0) + count;
}

/** Adds `part` into `total` (several inputs of one CLI run, several batches of one invocation). */
export function addSummary(total: IngestSummary, part: IngestSummary): IngestSummary {
  total.received += part.received;
  total.written += part.written;
  total.duplicates += part.duplicates;
  total.skipped += part.skipped;
  total.quarantined += part.quarantined;
  for (const [reason, count] of Object.entries(part.reasons)) addReason(total, reason, count);
  if (part.findings !== undefined) total.findings = (total.findings ?? 0) + part.findings;
  return total;
}
