import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { messageOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { limitsFromEnv } from '../../core/limits.ts';
import { SETTINGS } from '../../core/settings.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { type QueueMessages, queueRegion, redriveQueue } from '../../sources/cloudwatch/redrive-queue.ts';
import { decodeInput } from '../../sources/input-formats.ts';
import { type CliIo, EXIT, UsageError } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { describeSummary } from './ingest.ts';

interface RedriveOptions {
  sqs: string;
  store?: string;
  region?: string;
  policy?: string;
  waitSeconds: string;
  json?: boolean;
}

/** What a redrive did: the events, and the queue messages they came in. */
interface RedriveReport {
  summary: IngestSummary;
  messages: QueueMessages;
}

export function registerRedrive(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('redrive')
    .description('replay the batches in a Lambda on-failure destination queue; a message is deleted only once its batch is stored')
    .requiredOption('--sqs <url>', 'SQS queue URL')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--region <region>', 'region of the queue and of EKS input, when the queue URL and the records do not say (default: $AWS_REGION)')
    .option('--policy <file>', 'audit Policy to re-apply before storing, as kaudit ingest does')
    .option('--wait-seconds <seconds>', 'long-polling wait of each receive; the run ends at the first receive with no new message', '5')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText('after', '\nExit status: 0 every message stored and deleted, 1 something was quarantined or left in the queue, 2 usage error or the queue or store failed.')
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
  const region = options.region ?? io.env[SETTINGS.awsRegion] ?? io.env[SETTINGS.awsDefaultRegion] ?? null;
  const sqs = new SQSClient({ region: queueRegion(queueUrl) ?? region ?? undefined });
  const store = await openCliEventStore(options.store, io);
  const pipeline = await cliPipelineOptions(options.policy, io);
  const limits = limitsFromEnv(io.env);
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
