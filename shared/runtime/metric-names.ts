/**
 * Names of the per-invocation metrics (CloudWatch EMF on AWS, structured log fields on Azure).
 * Alarms in infra/ refer to these, so they are defined once.
 */
export const METRIC_NAMESPACE = 'kaudit';

export const METRICS = {
  received: 'Received',
  written: 'Written',
  duplicates: 'Duplicates',
  skipped: 'Skipped',
  quarantined: 'Quarantined',
  deadLettered: 'DeadLettered',
  /** Seconds from the newest event's source time to ingest time. */
  ingestLagSeconds: 'IngestLagSeconds',
} as const;
