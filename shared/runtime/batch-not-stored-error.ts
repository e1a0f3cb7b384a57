/**
 * A batch a function did not store. Thrown out of the function so the platform keeps the batch
 * (Lambda retries it, then sends it to the on-failure destination; the Event Hubs trigger retries
 * it), or, when `lost`, because the dead-letter store failed too: the message then names exactly
 * what was lost.
 */
export class BatchNotStoredError extends Error {
  override name = 'BatchNotStoredError';

  constructor(
    message: string,
    readonly batchKey: string,
    readonly lost: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}
