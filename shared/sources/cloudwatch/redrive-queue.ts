/**
 * The redrive of the EKS function's on-failure queue: what Lambda sends to an asynchronous
 * invocation's on-failure destination once its retries are exhausted (./lambda-destination.ts) is
 * received from SQS, handed to `ingest` (which stores it as `kaudit ingest` would), and deleted
 * only once stored.
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { messageOf } from '../../core/errors.ts';

/** The queue messages of one redrive: received, deleted once stored, and left in the queue with the reason. */
export interface QueueMessages {
  received: number;
  deleted: number;
  left: { messageId: string; reason: string }[];
}

/** SQS's largest receive and delete batch. */
const SQS_BATCH = 10;

/**
 * Receives until a receive brings no message this run has not handled yet (long polling, up to 10
 * at a time); deletes each message `ingest` stored. Counts what it received and deleted into `counts`.
 */
export async function redriveQueue(
  sqs: SQSClient,
  queueUrl: string,
  waitSeconds: number,
  ingest: (message: Message) => Promise<boolean>,
  counts: QueueMessages,
  warn: (line: string) => void,
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
        counts.received++;
        if (await ingest(message)) stored.push(message);
      }
    } finally {
      // Also when the store failed midway: what was stored before the failure leaves the queue.
      counts.deleted += await deleteMessages(sqs, queueUrl, stored, warn);
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
async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: readonly Message[], warn: (line: string) => void): Promise<number> {
  if (messages.length === 0) return 0;
  const entries = messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle }));
  const output = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  for (const failure of output.Failed ?? []) {
    const message = messages[Number(failure.Id)];
    warn(`message ${message?.MessageId} was stored but not deleted (${failure.Code}: ${failure.Message}); a later redrive finds it stored`);
  }
  return output.Successful?.length ?? 0;
}

/** The region of an AWS queue URL (`sqs.<region>.amazonaws.com`, or the legacy `<region>.queue.amazonaws.com`). */
export function queueRegion(queueUrl: string): string | null {
  const host = new URL(queueUrl).hostname;
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ?? null;
}
