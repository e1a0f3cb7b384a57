import type { PipelineOptions, ProcessedBatch } from '../../pipeline/ingest-batch.ts';
import { DEAD_LETTER_KINDS, scrubbedError, textScrubber } from '../../runtime/dead-letter.ts';
import type { FirehoseDeadLetter } from '../../runtime/dead-letter-schema.ts';

export interface FirehoseDeadLetterInput {
  record: { recordId: string; approximateArrivalTimestamp?: number };
  processed: ProcessedBatch;
  region: string | null;
  error: unknown;
  deadLetteredAt: string;
  pipeline: PipelineOptions;
}

/** The v2 document of a Firehose record whose lake write failed: its output, for Firehose to deliver as one line. */
export function firehoseDeadLetter(input: FirehoseDeadLetterInput): FirehoseDeadLetter {
  const { events, quarantined, summary } = input.processed;
  return {
    kind: DEAD_LETTER_KINDS.v2,
    source: 'firehose',
    batchKey: input.processed.batchKey,
    region: input.region,
    firehose: { recordId: input.record.recordId, approximateArrivalTimestamp: input.record.approximateArrivalTimestamp ?? null },
    error: scrubbedError(input.error, textScrubber(input.pipeline)),
    attempts: null,
    deadLetteredAt: input.deadLetteredAt,
    output: { events, quarantined, summary },
  };
}
