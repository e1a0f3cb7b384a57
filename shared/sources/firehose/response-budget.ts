/** Lambda's limit on a synchronous invocation's response, which is how Firehose calls the transformation. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** `{"records":[` and `]}`. */
const ENVELOPE_BYTES = Buffer.byteLength('{"records":[]}');

/**
 * Keeps a transformation response under the Lambda limit while records are decided one by one.
 * Every undecided record keeps a reservation: room for an answer carrying as much data as the
 * record came with, so the records after one answered `Ok` still have room for their own answers
 * (a record with nothing to deliver needs next to none). An answer larger than its reservation
 * has to ask whether it fits.
 */
export class ResponseBudget {
  private used = ENVELOPE_BYTES;
  private reserved: number;
  private readonly reservations: number[];

  /** `reservations[i]`: the bytes kept for record i until it is answered. */
  constructor(
    private readonly limit: number,
    reservations: readonly number[],
  ) {
    this.reservations = [...reservations];
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

/** The reservation of a record: a `Dropped` answer's bytes and as many again as its data. */
export function reservationOf(record: { recordId: string; data: string }): number {
  return bytesInResponse({ recordId: record.recordId, result: 'Dropped' }) + Buffer.byteLength(record.data);
}
