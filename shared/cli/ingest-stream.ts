import type { Writable } from 'node:stream';
import { byteLines } from '../core/byte-lines.ts';
import { GzipDataError, gunzipStreamIfGzip } from '../core/compression.ts';
import { fileErrorOf, messageOf } from '../core/errors.ts';
import type { IngestSummary } from '../core/ingest-summary.ts';
import { withTicks } from '../core/ticks.ts';
import { ingestBatch, type PipelineOptions } from '../pipeline/ingest-batch.ts';
import { type Progress, progressOn } from '../runtime/progress.ts';
import type { InputContext } from '../sources/input-formats.ts';
import { decodeInputStream, InputStreamError, maxLineBytes } from '../sources/input-stream.ts';
import type { EventStore } from '../store/event-store.ts';
import { EXIT } from './exit-codes.ts';
import type { InputSource } from './input-source.ts';

export interface StreamIngestOptions {
  store: EventStore;
  pipeline: PipelineOptions;
  context: InputContext;
  /** Store what a batch holds at least this often (input that arrives slowly, from a pipe); null: batches end by size only. */
  flushMs: number | null;
  /** Told the summary of each batch once it is stored. */
  stored: (summary: IngestSummary) => void;
}

/** An input that stopped partway, or before anything of it was stored: what went wrong and the exit code it means. */
export class InputFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Stores one input batch by batch as it is read and decoded: a batch is stored before the next
 * is read, so memory holds one batch whatever the input's size. Throws an {@link InputFailure}
 * saying where the input failed and why: bad input (exit 2) or the store (exit 3).
 */
export async function ingestStream(source: InputSource, options: StreamIngestOptions): Promise<void> {
  const position = { line: 0 };
  async function* lines() {
    for await (const line of byteLines(gunzipStreamIfGzip(source.chunks), maxLineBytes(options.context.limits))) {
      position.line = line.number;
      yield line;
    }
  }
  const where = () => `at byte ${source.bytesRead()}${position.line > 0 ? `, after line ${position.line}` : ''}`;
  try {
    for await (const batch of decodeInputStream(options.flushMs === null ? lines() : withTicks(lines(), options.flushMs), options.context)) {
      let summary: IngestSummary;
      try {
        summary = await ingestBatch(batch, options.store, options.pipeline);
      } catch (error) {
        throw new InputFailure(`the store failed (${where()}): ${messageOf(error)}`, EXIT.failed);
      }
      options.stored(summary);
    }
  } catch (error) {
    if (error instanceof InputFailure) throw error;
    if (error instanceof InputStreamError) throw new InputFailure(error.message, EXIT.usage);
    if (error instanceof GzipDataError) throw new InputFailure(`${error.message} ${where()}`, EXIT.usage);
    if (typeof (error as NodeJS.ErrnoException | null)?.code === 'string') throw new InputFailure(`cannot read ${where()}: ${fileErrorOf(error)}`, EXIT.usage);
    throw error;
  }
}

const PROGRESS_INTERVAL_MS = 250;

/** `kaudit ingest`'s progress on a terminal: bytes read and events per second; null when stderr is no terminal. */
export function streamProgress(stderr: Writable, now: () => number = Date.now): { update(source: InputSource, received: number): void; done(): void } | null {
  if ((stderr as { isTTY?: boolean }).isTTY !== true) return null;
  const progress: Progress = progressOn(stderr, 'kaudit ingest', { tty: true });
  const started = now();
  let drawn = Number.NEGATIVE_INFINITY;
  let last = '';
  return {
    update(source, received) {
      if (now() - drawn < PROGRESS_INTERVAL_MS) return;
      drawn = now();
      const seconds = Math.max(0.001, (drawn - started) / 1000);
      const total = source.size === null ? '' : ` of ${megabytes(source.size)}`;
      last = `${source.input}: ${megabytes(source.bytesRead())}${total} read, ${received} events, ${Math.round(received / seconds)} events/s`;
      progress.update(source.size ? source.bytesRead() / source.size : null, last);
    },
    done() {
      if (last !== '') progress.done(last);
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
