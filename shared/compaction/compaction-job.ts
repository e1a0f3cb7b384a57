/**
 * The scheduled compaction job of the cloud functions: `kaudit compact` over the deployment's lake,
 * stopping before a deadline. A run starts no hour once less than {@link HOUR_RESERVE_MS} is left,
 * and reports the hours it left; the next scheduled run continues with them.
 */
import type { KauditConfig } from '../config/settings-schema.ts';
import { SETTINGS } from '../core/settings.ts';
import { JOB_METRICS } from '../runtime/metric-names.ts';
import { openObjectStore } from '../store/open-store.ts';
import { type CompactionSummary, compactLake, DEFAULT_GRACE_MS } from './compactor.ts';

/**
 * Time kept free for the hour in progress when the deadline check says go: a busy hour takes
 * minutes to download, sort and upload, and one cut off by the platform's timeout is wasted work.
 */
export const HOUR_RESERVE_MS = 5 * 60_000;

export interface CompactionJobOptions {
  now: Date;
  /** Milliseconds the run has left before the platform stops it. */
  remainingMs: () => number;
  /** A directory for staged objects and DuckDB's spill (the function's /tmp). */
  workDir: string;
}

export async function runCompactionJob(config: KauditConfig, options: CompactionJobOptions): Promise<CompactionSummary> {
  if (!config.storeUrl) throw new Error(`${SETTINGS.storeUrl} is not set: the compaction job has no lake to compact`);
  const store = await openObjectStore(config.storeUrl, config);
  return compactLake(store, {
    now: options.now,
    before: null,
    graceMs: config.compactGrace ?? DEFAULT_GRACE_MS,
    workDir: options.workDir,
    shouldStop: () => options.remainingMs() < HOUR_RESERVE_MS,
  });
}

/** The run's metrics under their published names. */
export function compactionJobMetrics(summary: CompactionSummary): Record<string, number> {
  return { [JOB_METRICS.hoursCompacted]: summary.compacted.length, [JOB_METRICS.eventsCompacted]: summary.events, [JOB_METRICS.hoursPending]: summary.pendingHours };
}
