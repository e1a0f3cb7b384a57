import path from 'node:path';
import type { Command } from 'commander';
import { messageOf } from '../../core/errors.ts';
import type { IngestSummary } from '../../core/ingest-summary.ts';
import { limitsFromEnv } from '../../core/limits.ts';
import { DEFAULT_RETRY } from '../../core/retry.ts';
import { SETTINGS } from '../../core/settings.ts';
import { parseTimeBound } from '../../query/time-range.ts';
import { progressOn } from '../../runtime/progress.ts';
import type { PartitionConsumer } from '../../sources/eventhub/aks-backfill.ts';
import { type CliIo, EXIT, UsageError } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { describeSummary } from './ingest.ts';

interface CommonOptions {
  since: string;
  store?: string;
  policy?: string;
  json?: boolean;
}

interface BackfillEksOptions extends CommonOptions {
  cluster: string;
  region?: string;
  until?: string;
  checkpoint?: string;
  account?: string;
}

export interface BackfillAksOptions extends CommonOptions {
  namespace: string;
  hub: string;
  consumerGroup: string;
  connectionString?: string;
  region?: string;
}

/** Opens the Event Hubs consumer a backfill reads with; tests pass a fake. */
export type ConsumerFactory = (namespace: string, hub: string, consumerGroup: string, connectionString: string | null) => Promise<PartitionConsumer>;

const TIME_HELP = 'ISO-8601 (2026-11-20T14:00:00Z, 2026-11-20) or a duration ago (90m, 24h, 7d)';

export function registerBackfill(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const backfill = program.command('backfill').description('store the history CloudWatch Logs or Event Hubs still retain');
  backfill
    .command('eks')
    .description('read an EKS cluster’s audit log streams with FilterLogEvents (resumable with --checkpoint)')
    .requiredOption('--cluster <name>', 'EKS cluster name (log group /aws/eks/<name>/cluster)')
    .option('--region <region>', 'AWS region of the cluster (default: $AWS_REGION)')
    .requiredOption('--since <time>', `start, inclusive: ${TIME_HELP}`)
    .option('--until <time>', 'end, exclusive (default: now)')
    .option('--account <id>', "the cluster's AWS account (default: from the log group's ARN)")
    .option('--checkpoint <file>', 'resume from and record progress in this file')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--policy <file>', 'audit Policy to re-apply before storing')
    .option('--json', 'print the summary as one JSON object')
    .action(async (options: BackfillEksOptions) => setExit(await backfillEksCommand(options, io)));
  backfill
    .command('aks')
    .description('read an Event Hub that AKS diagnostic settings send to, every partition, until caught up')
    .requiredOption('--namespace <fqdn>', 'Event Hubs namespace, NS.servicebus.windows.net')
    .requiredOption('--hub <name>', 'Event Hub name')
    .option('--consumer-group <group>', 'consumer group (use one no function reads from)', '$Default')
    .requiredOption('--since <time>', `enqueued after: ${TIME_HELP}`)
    .option('--connection-string <text>', `Event Hubs connection string (default: $${SETTINGS.eventHubConnectionString}, else DefaultAzureCredential)`)
    .option('--region <region>', `Azure region recorded on the events (default: $${SETTINGS.region})`)
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--policy <file>', 'audit Policy to re-apply before storing')
    .option('--json', 'print the summary as one JSON object')
    .action(async (options: BackfillAksOptions) => setExit(await backfillAksCommand(options, io)));
}

/** `kaudit backfill eks`. */
async function backfillEksCommand(options: BackfillEksOptions, io: CliIo): Promise<number> {
  const region = options.region ?? io.env[SETTINGS.awsRegion] ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('backfill eks needs --region (or AWS_REGION): the cluster id is arn:aws:eks:<region>:<account>:cluster/<name>');
  if (options.account !== undefined && !/^\d{12}$/.test(options.account))
    throw new UsageError(`--account: expected a 12-digit AWS account id, got ${JSON.stringify(options.account)}`);
  const now = new Date();
  const since = timeOption('--since', options.since, now);
  const until = options.until === undefined ? now : timeOption('--until', options.until, now);
  if (since >= until) throw new UsageError(`--since ${since.toISOString()} is not before --until ${until.toISOString()}`);

  const [{ CloudWatchLogsClient }, { backfillEks, BackfillSetupError }, { CheckpointFile }] = await Promise.all([
    import('@aws-sdk/client-cloudwatch-logs'),
    import('../../sources/cloudwatch/eks-backfill.ts'),
    import('../../runtime/checkpoint.ts'),
  ]);
  // Adaptive retries also pace the calls, which FilterLogEvents' low rate quota rewards.
  const client = new CloudWatchLogsClient({ region, retryMode: 'adaptive' });
  const progress = progressOn(io.stderr, `backfill ${options.cluster}`);
  try {
    const summary = await backfillEks(
      { cluster: options.cluster, region, since, until, account: options.account ?? null },
      {
        client,
        store: await openCliEventStore(options.store, io),
        pipeline: await cliPipelineOptions(options.policy, io),
        limits: limitsFromEnv(io.env),
        checkpoint: options.checkpoint ? new CheckpointFile(path.resolve(io.cwd, options.checkpoint)) : null,
        progress,
        retry: { ...DEFAULT_RETRY, onRetry: (attempt, delayMs, error) => progress.note(`${error.name}, retry ${attempt} in ${delayMs} ms`) },
        now: () => new Date(),
      },
    ).catch((error: Error) => {
      throw error instanceof BackfillSetupError ? new UsageError(error.message) : error;
    });
    return report(summary, options, io);
  } finally {
    client.destroy();
  }
}

/** `kaudit backfill aks`. */
export async function backfillAksCommand(options: BackfillAksOptions, io: CliIo, openConsumer: ConsumerFactory = openEventHubConsumer): Promise<number> {
  const since = timeOption('--since', options.since, new Date());
  const namespace = options.namespace.includes('.') ? options.namespace : `${options.namespace}.servicebus.windows.net`;
  const connectionString = options.connectionString ?? io.env[SETTINGS.eventHubConnectionString] ?? null;
  const { backfillAks } = await import('../../sources/eventhub/aks-backfill.ts');
  const consumer = await openConsumer(namespace, options.hub, options.consumerGroup, connectionString);
  try {
    const summary = await backfillAks(
      { namespace, hub: options.hub, consumerGroup: options.consumerGroup, since, region: options.region ?? io.env[SETTINGS.region] ?? null },
      {
        consumer,
        store: await openCliEventStore(options.store, io),
        pipeline: await cliPipelineOptions(options.policy, io),
        limits: limitsFromEnv(io.env),
        progress: progressOn(io.stderr, `backfill ${options.hub}`),
        now: () => new Date(),
      },
    );
    return report(summary, options, io);
  } finally {
    await consumer.close();
  }
}

/** The SDK's consumer: a connection string when given, else DefaultAzureCredential on the namespace. */
async function openEventHubConsumer(namespace: string, hub: string, consumerGroup: string, connectionString: string | null): Promise<PartitionConsumer> {
  const { EventHubConsumerClient } = await import('@azure/event-hubs');
  if (connectionString) return new EventHubConsumerClient(consumerGroup, connectionString, hub);
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new EventHubConsumerClient(consumerGroup, namespace, hub, new DefaultAzureCredential());
}

function timeOption(flag: string, text: string, now: Date): Date {
  try {
    return parseTimeBound(text, now);
  } catch (error) {
    throw new UsageError(`${flag}: ${messageOf(error)}`);
  }
}

function report(summary: IngestSummary, options: CommonOptions, io: CliIo): number {
  io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary)}\n`);
  return summary.quarantined > 0 ? EXIT.quarantined : EXIT.ok;
}
