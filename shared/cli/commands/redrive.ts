import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { awsRegionOf, limitsOf } from '../../config/config-views.ts';
import { messageOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { type QueueMessages, queueRegion, redriveQueue } from '../../sources/cloudwatch/redrive-queue.ts';
import { decodeInput } from '../../sources/input-formats.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { describeSummary } from './ingest.ts';

interface RedriveOptions extends SharedOptionValues {
  sqs: string;
  waitSeconds: string;
}

const EXAMPLES = `
Examples:
  # replay the EKS function's on-failure queue into the lake the function writes to
  kaudit redrive --sqs https://sqs.eu-west-1.amazonaws.com/123456789012/kaudit-failures --store s3://audit-lake/k8s

  # the same, for a script
  kaudit redrive --sqs https://sqs.eu-west-1.amazonaws.com/123456789012/kaudit-failures --store s3://audit-lake/k8s --json`;

/** What a redrive did: the events, and the queue messages they came in. */
interface RedriveReport {
  summary: IngestSummary;
  messages: QueueMessages;
}

export function registerRedrive(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('redrive')
    .description(COMMAND_SUMMARIES.redrive)
    .requiredOption('--sqs <url>', 'SQS queue URL')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.awsRegion('region of the queue and of EKS input, when the queue URL and the records do not say'))
    .addOption(SHARED_OPTIONS.policy())
    .option('--wait-seconds <seconds>', 'long-polling wait of each receive; the run ends at the first receive with no new message', '5')
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `${EXAMPLES}\n${exitStatusHelp({
        ok: 'every message stored and deleted',
        quarantined: 'something was quarantined or left in the queue',
        usage: true,
        failed: 'the queue or the store failed: the messages stored before it are deleted, the rest stay; safe to run again',
      })}`,
    )
    .action(async (options: RedriveOptions) => setExit(await redriveCommand(options, io)));
}

/**
 * `kaudit redrive`: receives the queue's messages (long polling, up to 10 at a time), ingests each
 * one as `kaudit ingest` would and deletes exactly those whose batches were stored (written or
 * already there). A message that can't be decoded stays in the queue and is reported; a store
 * failure stops the run after deleting what was stored before it.
 */
async function redriveCommand(options: RedriveOptions, io: CliIo): Promise<number> {
  const queueUrl = parseQueueUrl(options.sqs);
  const waitSeconds = Number(options.waitSeconds);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 20) throw new UsageError(`--wait-seconds must be an integer from 1 to 20, got ${options.waitSeconds}`);
  const config = await commandConfig(io, options.config, {
    storeUrl: flag('--store', options.store),
    awsRegion: flag('--region', options.region),
    policy: flag('--policy', options.policy),
  });
  const region = awsRegionOf(config);
  const sqs = new SQSClient({ region: queueRegion(queueUrl) ?? region ?? undefined });
  const store = await openCliEventStore(config, io);
  const pipeline = await cliPipelineOptions(config, io);
  const limits = limitsOf(config);
  const report: RedriveReport = { summary: emptySummary(), messages: { received: 0, deleted: 0, left: [] } };

  /** Stores one message's batches; true when all are stored, false when the message is left in the queue. */
  const ingestMessage = async (message: Message): Promise<boolean> => {
    const name = `sqs:${message.MessageId}`;
    const decoded = decodeInput(Buffer.from(message.Body ?? '', 'utf8'), { name, region, clusterName: null, clusterId: null, ingestTime: new Date().toISOString(), limits });
    if ('error' in decoded) {
      report.messages.left.push({ messageId: message.MessageId ?? '', reason: decoded.error });
      return false;
    }
    for (const batch of decoded.batches) addSummary(report.summary, await ingestBatch(batch, store, pipeline));
    return true;
  };

  const print = () => {
    for (const { messageId, reason } of report.messages.left) io.stderr.write(`kaudit: message ${messageId} left in the queue: ${reason}\n`);
    const { received, deleted, left } = report.messages;
    io.stdout.write(
      options.json
        ? `${JSON.stringify({ ...report.summary, messages: report.messages })}\n`
        : `${describeSummary(report.summary)}\n${received} messages: ${deleted} stored and deleted, ${received - deleted} left in the queue (${left.length} unreadable)\n`,
    );
  };
  try {
    await redriveQueue(sqs, queueUrl, waitSeconds, ingestMessage, report.messages, (line) => io.stderr.write(`kaudit: ${line}\n`));
  } catch (error) {
    print();
    throw new Error(`redrive stopped, the messages not yet stored stay in the queue: ${messageOf(error)}`, { cause: error });
  }
  print();
  return report.summary.quarantined > 0 || report.messages.deleted < report.messages.received ? EXIT.quarantined : EXIT.ok;
}

function parseQueueUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--sqs: not a URL: ${JSON.stringify(text)} (expected https://sqs.<region>.amazonaws.com/<account>/<queue>)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--sqs: expected an http(s) queue URL, got ${text}`);
  return text;
}
