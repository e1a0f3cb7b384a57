import path from 'node:path';
import type { Command } from 'commander';
import { awsRegionOf, limitsOf } from '../../config/config-views.ts';
import { messageOf } from '../../core/errors.ts';
import type { IngestSummary } from '../../core/ingest-summary.ts';
import { DEFAULT_RETRY } from '../../core/retry.ts';
import { parseTimeBound } from '../../query/time-range.ts';
import { progressOn } from '../../runtime/progress.ts';
import type { PartitionConsumer } from '../../sources/eventhub/aks-backfill.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { describeSummary } from './ingest.ts';

interface CommonOptions extends SharedOptionValues {
  since: string;
}

interface BackfillEksOptions extends CommonOptions {
  cluster: string;
  until?: string;
  checkpoint?: string;
  account?: string;
}

export interface BackfillAksOptions extends CommonOptions {
  namespace: string;
  hub: string;
  consumerGroup: string;
  connectionString?: string;
}

/** Opens the Event Hubs consumer a backfill reads with; tests pass a fake. */
export type ConsumerFactory = (namespace: string, hub: string, consumerGroup: string, connectionString: string | null) => Promise<PartitionConsumer>;

const EKS_EXAMPLES = `
Examples:
  # the last week of a cluster's audit log, into the lake its function writes to
  kaudit backfill eks --cluster prod-eu --region eu-west-1 --since 7d --store s3://audit-lake/k8s

  # a fixed window, resumable: run the same command again after an interruption
  kaudit backfill eks --cluster prod-eu --since 2026-11-01 --until 2026-11-08 --checkpoint prod-eu.checkpoint`;

const AKS_EXAMPLES = `
Examples:
  # what the hub still retains of the last day, read with your Azure login
  kaudit backfill aks --namespace kaudit-weu --hub kaudit-audit --consumer-group backfill --since 24h --store azblob://auditlake/lake

  # with a connection string from the environment
  KAUDIT_EVENTHUB_CONNECTION_STRING='Endpoint=sb://…' kaudit backfill aks --namespace kaudit-weu --hub kaudit-audit --since 2026-11-20`;

const BACKFILL_EXIT = exitStatusHelp({
  ok: true,
  quarantined: true,
  usage: 'usage error: a flag, a setting, no region, a bad time, a log group that does not exist',
  failed: 'CloudWatch Logs, Event Hubs or the store failed after retries: what was stored stays; safe to run again',
});

export function registerBackfill(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const backfill = program.command('backfill').description(COMMAND_SUMMARIES.backfill);
  backfill
    .command('eks')
    .description('read an EKS cluster’s audit log streams with FilterLogEvents (resumable with --checkpoint)')
    .requiredOption('--cluster <name>', 'EKS cluster name (log group /aws/eks/<name>/cluster)')
    .addOption(SHARED_OPTIONS.awsRegion('AWS region of the cluster'))
    .addOption(SHARED_OPTIONS.since('start, inclusive').makeOptionMandatory())
    .addOption(SHARED_OPTIONS.until('end, exclusive (default: now)'))
    .option('--account <id>', "the cluster's AWS account (default: from the log group's ARN)")
    .option('--checkpoint <file>', 'resume from and record progress in this file')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.policy())
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', `${EKS_EXAMPLES}\n${BACKFILL_EXIT}`)
    .action(async (options: BackfillEksOptions) => setExit(await backfillEksCommand(options, io)));
  backfill
    .command('aks')
    .description('read an Event Hub that AKS diagnostic settings send to, every partition, until caught up')
    .requiredOption('--namespace <fqdn>', 'Event Hubs namespace, NS.servicebus.windows.net')
    .requiredOption('--hub <name>', 'Event Hub name')
    .option('--consumer-group <group>', 'consumer group (use one no function reads from)', '$Default')
    .addOption(SHARED_OPTIONS.since('enqueued at or after').makeOptionMandatory())
    .option('--connection-string <text>', 'Event Hubs connection string (default: $KAUDIT_EVENTHUB_CONNECTION_STRING, else DefaultAzureCredential)')
    .option('--region <region>', 'Azure region recorded on the events (default: $KAUDIT_REGION)')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.policy())
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', `${AKS_EXAMPLES}\n${BACKFILL_EXIT}`)
    .action(async (options: BackfillAksOptions) => setExit(await backfillAksCommand(options, io)));
}

/** `kaudit backfill eks`. */
async function backfillEksCommand(options: BackfillEksOptions, io: CliIo): Promise<number> {
  const config = await commandConfig(io, options.config, { ...storingFlags(options), awsRegion: flag('--region', options.region) });
  const region = awsRegionOf(config);
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
        store: await openCliEventStore(config, io),
        pipeline: await cliPipelineOptions(config, io),
        limits: limitsOf(config),
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
  const config = await commandConfig(io, options.config, {
    ...storingFlags(options),
    region: flag('--region', options.region),
    eventHubConnectionString: flag('--connection-string', options.connectionString),
  });
  const since = timeOption('--since', options.since, new Date());
  const namespace = options.namespace.includes('.') ? options.namespace : `${options.namespace}.servicebus.windows.net`;
  const connectionString = config.eventHubConnectionString;
  const { backfillAks } = await import('../../sources/eventhub/aks-backfill.ts');
  const consumer = await openConsumer(namespace, options.hub, options.consumerGroup, connectionString);
  try {
    const summary = await backfillAks(
      { namespace, hub: options.hub, consumerGroup: options.consumerGroup, since, region: config.region },
      {
        consumer,
        store: await openCliEventStore(config, io),
        pipeline: await cliPipelineOptions(config, io),
        limits: limitsOf(config),
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

/** The settings every storing command takes from its flags. */
function storingFlags(options: CommonOptions): { storeUrl: ReturnType<typeof flag>; policy: ReturnType<typeof flag> } {
  return { storeUrl: flag('--store', options.store), policy: flag('--policy', options.policy) };
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
