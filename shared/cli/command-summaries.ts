/**
 * The one-line description of each top-level command. The program lists them in `kaudit --help`
 * without loading any command's module (some load DuckDB or a cloud SDK), and each command's
 * module takes its description from here, so the two never disagree.
 */
export const COMMAND_SUMMARIES = {
  ingest: 'ingest audit events from files (or - for stdin) into the store',
  tail: "follow an API server's audit log file (log backend) through rotation and restarts, storing as it grows",
  query: 'run DuckDB SQL over the views events (one row per event), events_all, quarantine and events_ocsf',
  search: 'find events with the search language (field = value and … groupby field), compiled to SQL with bound values',
  redrive: 'replay the batches in a Lambda on-failure destination queue; a message is deleted only once its batch is stored',
  policy: 'check an audit.k8s.io/v1 Policy, or see what it decides for audit events',
  serve: "receive kube-apiserver's audit webhook batches over HTTP(S) and store them (SIGINT/SIGTERM stop it)",
  ui: 'serve the dashboard: status codes, timeline, top users and resources, search, event details',
  backfill: 'store the history CloudWatch Logs or Event Hubs still retain',
  rules: 'check Sigma detection rules before deploying them',
  detect: 'run Sigma rules (and, with --analytics, the behaviour analytics) over stored events and print the findings',
  compact: 'rewrite closed hours of events as Parquet for fast queries; the gzip NDJSON objects stay as they are',
  config: "check kaudit's settings (docs/configuration.md)",
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;
