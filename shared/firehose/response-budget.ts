/** Lambda's limit on a synchronous invocation's response, which is how Firehose calls the transformation. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** `{"records":[` and `]}`. */
const ENVELOPE_BYTES = Buffer.byteLength('{"records":[]}');

/**
 * Keeps a transformation response under the Lambda limit while records are decided one by one.
 * Every undecided record keeps a reservation for its worst outcome (ProcessingFailed with its
 * original data, which is never larger than the request it came in), so deciding one record can
 * never leave too little room for the ones after it. Only an `Ok` record, whose data can be many
 * times its input, has to ask whether it fits.
 */
export class ResponseBudget {
  private used = ENVELOPE_BYTES;
  private reserved: number;
  private readonly reservations: number[];

  /** `fallbacks[i]`: record i as ProcessingFailed with its original data. */
  constructor(
    private readonly limit: number,
    fallbacks: readonly object[],
  ) {
    this.reservations = fallbacks.map(bytesInResponse);
    this.reserved = this.reservations.reduce((total, size) => total + size, 0);
  }

  /** Whether record `index` can be answered with an output of `bytes` and every later record still with its fallback. */
  fits(index: number, bytes: number): boolean {
    return this.used + bytes + this.reserved - (this.reservations[index] ?? 0) <= this.limit;
  }

  /** Records the answer (of `bytes`) for record `index`, releasing its reservation. */
  commit(index: number, bytes: number): void {
    this.used += bytes;
    this.reserved -= this.reservations[index] ?? 0;
    this.reservations[index] = 0;
  }
}

/** Bytes a record takes in the response's `records` array, its separating comma included. */
export function bytesInResponse(output: object): number {
  return Buffer.byteLength(JSON.stringify(output)) + 1;
}
