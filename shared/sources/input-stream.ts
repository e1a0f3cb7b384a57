import { createHash } from 'node:crypto';
import type { ByteLine } from '../core/byte-lines.ts';
import { type DecodedBatch, emptyBatch, receivedOf } from '../core/decoded-batch.ts';
import { parseOrUndefined, withoutBom } from '../core/json-text.ts';
import type { Limits } from '../core/limits.ts';
import { SETTINGS } from '../core/settings.ts';
import { TICK, type Tick } from '../core/ticks.ts';
import { AuditLogLines } from './audit-log/audit-log.ts';
import { auditLogContext, decodeEnvelopeLine, decodeText, type InputContext, InputLineError, NOT_JSON } from './input-formats.ts';

/**
 * Most bytes of log lines one batch holds: a batch is stored before the next is read, so this
 * (with the records limit) is what bounds memory, whatever the size of the input.
 */
const BATCH_TEXT_BYTES = 8 * 1024 * 1024;

/** The longest line kept whole: a document on one line may be as long as any document. */
export function maxLineBytes(limits: Limits): number {
  return Math.max(limits.maxDecodedBytes, limits.maxEventBytes);
}

/** An input that is no format `kaudit ingest` reads, found before or partway through it. */
export class InputStreamError extends Error {
  override name = 'InputStreamError';
  constructor(
    message: string,
    /** A usage problem (EKS input without a region) rather than bad input. */
    readonly usage = false,
  ) {
    super(message);
  }
}

/**
 * One input's batches, decoded as its lines arrive (see `byteLines`; a {@link TICK} stores what a
 * batch holds so far, for input that arrives slowly).
 *
 * JSON lines (audit events as the log backend writes them, envelopes one per line) are read in
 * batches of at most {@link BATCH_TEXT_BYTES} of text or `maxRecordsPerBatch` records, each keyed
 * by the digest of the input's text up to its last line: the same content gives the same keys,
 * whatever the file is called. Any other input is a JSON document (an EventList, an envelope,
 * perhaps pretty-printed), read whole up to `maxDecodedBytes`; a longer one is refused, naming
 * the limit (see {@link holdUntilFormatKnown}). Errors are {@link InputStreamError}s naming the line.
 */
export async function* decodeInputStream(lines: AsyncIterable<ByteLine | Tick>, context: InputContext): AsyncGenerator<DecodedBatch, void, undefined> {
  const iterator = lines[Symbol.asyncIterator]();
  const held = await holdUntilFormatKnown(iterator, context.limits.maxDecodedBytes);
  if (held.whole) {
    const decoded = decodeText(textOf(held.lines), context);
    if ('error' in decoded) throw new InputStreamError(decoded.error, decoded.usage);
    yield* decoded.batches;
    return;
  }
  const batches = new JsonLinesBatches(context);
  async function* rest(): AsyncGenerator<ByteLine | Tick, void, undefined> {
    yield* held.lines;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  for await (const item of rest()) {
    if (item === TICK) {
      const batch = batches.flush();
      if (batch) yield batch;
      continue;
    }
    yield* batches.add(item);
  }
  const last = batches.flush();
  if (last) yield last;
}

interface Held {
  lines: ByteLine[];
  /** The input ended without a second JSON line: it is one document (or lines with no JSON line among them). */
  whole: boolean;
}

/**
 * Reads lines until the format is known. JSON lines: the first non-blank line is a JSON object or
 * array by itself, and another line follows. Otherwise a document (pretty-printed, or written a
 * line per element as kaudit's dead letters are), read whole when the input ends within
 * `maxDocumentBytes`; past that, JSON lines whose first line is broken when a later line is JSON
 * by itself, else an error naming the limit.
 */
async function holdUntilFormatKnown(iterator: AsyncIterator<ByteLine | Tick>, maxDocumentBytes: number): Promise<Held> {
  const lines: ByteLine[] = [];
  let bytes = 0;
  let nonBlank = 0;
  let firstIsJson = false;
  let laterIsJson = false;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    // A slow pipe that has sent one JSON line so far: taken as JSON lines, so it is stored in time.
    if (next.value === TICK) {
      if (firstIsJson) return { lines, whole: false };
      continue;
    }
    const line = lines.length === 0 ? { ...next.value, text: withoutBom(next.value.text) } : next.value;
    lines.push(line);
    bytes += line.bytes + 1;
    if (line.text.trim() !== '') {
      if (nonBlank === 0 && !/^\s*[[{]/.test(line.text)) throw new InputStreamError(NOT_JSON);
      if (firstIsJson) return { lines, whole: false };
      const isJson = !line.cut && isNonEmptyJsonContainer(line.text);
      if (nonBlank === 0) firstIsJson = isJson;
      else laterIsJson ||= isJson;
      nonBlank++;
    }
    if (line.cut || bytes > maxDocumentBytes) {
      if (laterIsJson) return { lines, whole: false };
      throw new InputStreamError(
        `more than ${maxDocumentBytes} bytes without a line that is a JSON document by itself: not JSON lines, ` +
          `and a JSON document is read whole up to ${maxDocumentBytes} bytes (${SETTINGS.maxDecodedBytes})`,
      );
    }
  }
  if (nonBlank === 0) throw new InputStreamError('input is empty');
  return { lines, whole: true };
}

/** A line a pretty-printed document could hold (`{`, `"a": 1,`, `[]`) is not one. */
function isNonEmptyJsonContainer(text: string): boolean {
  const value = parseOrUndefined(text);
  if (typeof value !== 'object' || value === null) return false;
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

function textOf(lines: readonly ByteLine[]): string {
  return lines.map((line) => (line.terminated ? `${line.text}\n` : line.text)).join('');
}

/** The batches of JSON lines: audit event lines gathered into bounded batches, each envelope line its own. */
class JsonLinesBatches {
  private readonly digest = createHash('sha256');
  private readonly auditLines: AuditLogLines;
  private batch = emptyBatch('');
  private batchBytes = 0;

  constructor(private readonly context: InputContext) {
    this.auditLines = new AuditLogLines(auditLogContext(context));
  }

  *add(line: ByteLine): Generator<DecodedBatch, void, undefined> {
    this.digest.update(line.terminated ? `${line.text}\n` : line.text);
    if (line.cut) {
      this.auditLines.add(this.batch, line.text, line.number, maxLineBytes(this.context.limits));
    } else {
      const envelopes = this.envelopesOf(line);
      if (envelopes !== null) {
        yield* envelopes;
        return;
      }
      this.auditLines.add(this.batch, line.text, line.number);
    }
    this.batchBytes += line.bytes;
    if (this.batchBytes >= BATCH_TEXT_BYTES || receivedOf(this.batch) >= this.context.limits.maxRecordsPerBatch) {
      const full = this.flush();
      if (full) yield full;
    }
  }

  /** The batch being filled, keyed by the digest of the text read so far; null when it is empty. */
  flush(): DecodedBatch | null {
    if (receivedOf(this.batch) === 0) return null;
    const batch = { ...this.batch, batchKey: `file-${this.digest.copy().digest('hex').slice(0, 32)}` };
    this.batch = emptyBatch('');
    this.batchBytes = 0;
    return batch;
  }

  private envelopesOf(line: ByteLine): DecodedBatch[] | null {
    try {
      return decodeEnvelopeLine(line.text, line.number, this.context);
    } catch (error) {
      if (error instanceof InputLineError) throw new InputStreamError(error.message, error.usage);
      throw error;
    }
  }
}
