/**
 * The hour's objects in the order of their first event's time: an estimate read from the head of
 * each object, so that the stage holds the hour roughly in time order and a slice's time filter
 * skips most of it by row-group statistics. Only speed depends on it: a wrong or unreadable head
 * (the bytes are the lake's, not ours) puts the object last, and every slice still filters by time.
 */
import { promises as fs } from 'node:fs';
import { inflatePartially } from '../core/compression.ts';
import { parseOrUndefined } from '../core/json-text.ts';
import { epochMicros } from '../core/time.ts';

/** Compressed bytes read of each object: enough for a first event of a usual size. */
const HEAD_BYTES = 8 * 1024;
/** What the head may inflate to: a first line longer than this leaves the object unordered. */
const HEAD_TEXT_BYTES = 256 * 1024;

export async function inTimeOrder<T extends { path: string }>(sources: readonly T[]): Promise<T[]> {
  const keyed: { source: T; first: number }[] = [];
  // One at a time: an hour can have thousands of objects, and their heads would all be held at once.
  for (const source of sources) keyed.push({ source, first: await firstTimeOf(source.path) });
  return keyed.sort((a, b) => a.first - b.first).map(({ source }) => source);
}

/** Microseconds of the first event's `time`, or +∞ when the head does not read as one. */
async function firstTimeOf(file: string): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    const text = inflatePartially(head.subarray(0, bytesRead), HEAD_TEXT_BYTES).toString('utf8');
    const newline = text.indexOf('\n');
    if (newline < 0) return Number.POSITIVE_INFINITY;
    const event = parseOrUndefined(text.slice(0, newline)) as { time?: unknown } | undefined;
    const time = typeof event?.time === 'string' ? epochMicros(event.time) : Number.NaN;
    return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
  } finally {
    await handle.close();
  }
}
