import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { decodeInput } from '../../sources/input-formats.ts';
import { limitsFromEnv } from '../../core/limits.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { messageOf } from '../../runtime/batch-not-stored-error.ts';
import { SETTINGS } from '../../core/settings.ts';
import { EXIT, UsageError, type CliIo } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { describeSummary } from './ingest.ts';

export interface RedriveOptions {
  sqs: string;
  store?: string;
  region?: string;
  policy?: string;
  waitSeconds: string;
  json?: boolean;
}

/** What a redrive did: the events, and the queue messages they came in. */
export interface RedriveReport {
  summary: IngestSummary;
  messages: { received: number; deleted: number; left: { messageId: string; reason: string }[] };
}

/** SQS's largest receive and delete batch. */
const SQS_BATCH = 10;

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
export async function redriveCommand(options: RedriveOptions, io: CliIo): Promise<number> {
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
    await redriveQueue(sqs, queueUrl, waitSeconds, ingestMessage, report, io);
  } catch (error) {
    print();
    throw new Error(`redrive stopped, the messages not yet stored stay in the queue: ${messageOf(error)}`, { cause: error });
  }
  print();
  return report.summary.quarantined > 0 || report.messages.deleted < report.messages.received ? EXIT.quarantined : EXIT.ok;
}

/** Receives until a receive brings no message this run has not handled yet; deletes each message `ingest` stored. */
async function redriveQueue(
  sqs: SQSClient,
  queueUrl: string,
  waitSeconds: number,
  ingest: (message: Message) => Promise<boolean>,
  report: RedriveReport,
  io: CliIo,
): Promise<void> {
  // Messages left in the queue become visible again during the run; each is handled once per run.
  const seen = new Set<string>();
  for (;;) {
    const received = await receive(sqs, queueUrl, waitSeconds);
    const fresh = received.filter((message) => message.MessageId !== undefined && !seen.has(message.MessageId));
    if (fresh.length === 0) return;
    const stored: Message[] = [];
    try {
      for (const message of fresh) {
        seen.add(message.MessageId as string);
        report.messages.received++;
        if (await ingest(message)) stored.push(message);
      }
    } finally {
      // Also when the store failed midway: what was stored before the failure leaves the queue.
      report.messages.deleted += await deleteMessages(sqs, queueUrl, stored, io);
    }
  }
}

async function receive(sqs: SQSClient, queueUrl: string, waitSeconds: number): Promise<Message[]> {
  try {
    const output = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: SQS_BATCH, WaitTimeSeconds: waitSeconds }));
    return output.Messages ?? [];
  } catch (error) {
    const hint = (error as { name?: unknown }).name === 'KmsAccessDenied' ? KEY_HINT : '';
    throw new Error(`cannot receive from ${queueUrl}: ${messageOf(error)}${hint}`, { cause: error });
  }
}

/** The deployment lets only the principals it names decrypt the queue (docs/delivery-semantics.md). */
const KEY_HINT = ' (the queue is encrypted with a key only the principals in the deployment’s failureQueueReaders may decrypt with: add yours and deploy again)';

/** Deletes stored messages; one that fails to delete comes back later and is stored again as duplicates. */
async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[], io: CliIo): Promise<number> {
  if (messages.length === 0) return 0;
  const entries = messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle }));
  const output = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  for (const failure of output.Failed ?? []) {
    const message = messages[Number(failure.Id)];
    io.stderr.write(`kaudit: message ${message?.MessageId} was stored but not deleted (${failure.Code}: ${failure.Message}); a later redrive finds it stored\n`);
  }
  return output.Successful?.length ?? 0;
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

/** The region of an AWS queue URL (`sqs.<region>.amazonaws.com`, or the legacy `<region>.queue.amazonaws.com`). */
function queueRegion(queueUrl: string): string | null {
  const host = new URL(queueUrl).hostname;
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ?? null;
}
