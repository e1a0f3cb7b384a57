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

/** The lake job functions' service names on AWS: Powertools' `service` dimension of their metrics. */
export const JOB_SERVICES = { compaction: 'kaudit-lake-compaction', analytics: 'kaudit-lake-analytics' } as const;

/** The scheduled lake jobs' metrics (compaction, analytics), one set per run. */
export const JOB_METRICS = {
  hoursCompacted: 'HoursCompacted',
  eventsCompacted: 'EventsCompacted',
  /** Closed hours a compaction run left for the next: above a few, compaction is falling behind. */
  hoursPending: 'HoursPending',
  findings: 'Findings',
  findingsStored: 'FindingsStored',
  findingsAlerted: 'FindingsAlerted',
} as const;

/** The field of the line each rule failure logs (shared/pipeline/pipeline-options.ts), counted by a metric filter on the functions' logs. */
export const RULE_FAILURE_METRIC = 'RuleEvaluationFailures';
export const RULE_FAILURE_LOG_FIELD = 'ruleEvaluationFailed';
