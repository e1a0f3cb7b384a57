import { DeleteMessageBatchCommand, type DeleteMessageBatchCommandInput, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * An SQS queue in memory behind the real SQS client (aws-sdk-client-mock): a receive returns up to
 * MaxNumberOfMessages of the messages still queued, a delete removes them. A message not deleted
 * is visible again at once, the hardest case for a redrive that must not loop or delete it.
 */
export class FakeQueue {
  readonly url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/kaudit-eks-ingest-failures';
  readonly client = mockClient(SQSClient);
  private readonly queued = new Map<string, string>();
  private sent = 0;
  private receipts = 0;
  /** Receipt handle → message id, of every receive. */
  private readonly handles = new Map<string, string>();
  /** Entries of DeleteMessageBatch that should fail, by message id. */
  readonly failDeletesOf = new Set<string>();

  constructor() {
    this.client.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages?: number }) => ({ Messages: this.receive(input.MaxNumberOfMessages ?? 1) }));
    this.client.on(DeleteMessageBatchCommand).callsFake((input: DeleteMessageBatchCommandInput) => this.delete(input));
  }

  send(body: string): string {
    const messageId = `message-${++this.sent}`;
    this.queued.set(messageId, body);
    return messageId;
  }

  /** Ids of the messages still in the queue. */
  get messageIds(): string[] {
    return [...this.queued.keys()];
  }

  restore(): void {
    this.client.restore();
  }

  private receive(max: number): Message[] {
    return [...this.queued].slice(0, max).map(([messageId, body]) => {
      const receiptHandle = `receipt-${++this.receipts}`;
      this.handles.set(receiptHandle, messageId);
      return { MessageId: messageId, ReceiptHandle: receiptHandle, Body: body };
    });
  }

  private delete(input: DeleteMessageBatchCommandInput) {
    const successful: { Id: string }[] = [];
    const failed: { Id: string; Code: string; Message: string; SenderFault: boolean }[] = [];
    for (const entry of input.Entries ?? []) {
      const messageId = this.handles.get(entry.ReceiptHandle ?? '') ?? '';
      if (this.failDeletesOf.has(messageId)) {
        failed.push({ Id: entry.Id ?? '', Code: 'ReceiptHandleIsInvalid', Message: 'injected', SenderFault: true });
      } else {
        this.queued.delete(messageId);
        successful.push({ Id: entry.Id ?? '' });
      }
    }
    return { Successful: successful, Failed: failed };
  }
}
