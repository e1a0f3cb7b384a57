import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { messageOf } from '../core/errors.ts';
import { describeJsonError } from '../core/partial-json.ts';

/**
 * How far a backfill has stored: the newest log event timestamp, and the ids of the events of
 * that millisecond already stored. Resuming reads from that millisecond again (later pages are not
 * re-read) and passes over just those ids, so events sharing the millisecond are neither skipped
 * nor stored twice.
 */
const WatermarkSchema = z.strictObject({
  timestamp: z.number().int().nonnegative(),
  eventIds: z.array(z.string()),
});
export type Watermark = z.infer<typeof WatermarkSchema>;

const EksCheckpointSchema = z.strictObject({
  kind: z.literal('kaudit-backfill-eks/1'),
  logGroup: z.string(),
  region: z.string(),
  watermark: WatermarkSchema.nullable(),
  updatedAt: z.string(),
});
export type EksCheckpoint = z.infer<typeof EksCheckpointSchema>;

export interface WatermarkedEvent {
  timestamp: number;
  eventId: string;
}

/** Whether an event is at or behind the watermark, that is, stored by an earlier page or run. */
export function isBehind(watermark: Watermark | null, event: WatermarkedEvent): boolean {
  if (watermark === null) return false;
  return event.timestamp < watermark.timestamp || (event.timestamp === watermark.timestamp && watermark.eventIds.includes(event.eventId));
}

/** The watermark once `events` (in timestamp order, as FilterLogEvents returns them) are stored. */
export function advanceWatermark(watermark: Watermark | null, events: readonly WatermarkedEvent[]): Watermark | null {
  const newest = events.reduce((max, event) => Math.max(max, event.timestamp), watermark?.timestamp ?? -1);
  if (newest < 0) return watermark;
  const carried = watermark?.timestamp === newest ? watermark.eventIds : [];
  const added = events.filter((event) => event.timestamp === newest).map((event) => event.eventId);
  return { timestamp: newest, eventIds: [...new Set([...carried, ...added])] };
}

/** A checkpoint file of the kind `schema` describes; reading a missing file gives null, a malformed one an error naming the file. */
export class JsonCheckpointFile<T> {
  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    /** What the file should be, for messages: `a kaudit EKS backfill checkpoint`. */
    private readonly kind: string,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.path}: cannot read the checkpoint: ${messageOf(error)}`);
    }
    let parsed: z.ZodSafeParseResult<T>;
    try {
      parsed = this.schema.safeParse(JSON.parse(text));
    } catch {
      throw new Error(`${this.path}: the checkpoint is not JSON: ${describeJsonError(text)}`);
    }
    if (!parsed.success) throw new Error(`${this.path}: not ${this.kind}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }

  /** Replaces the file atomically: a crash leaves the old checkpoint or the new one, never half of one. */
  async write(checkpoint: T): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new Error(`${this.path}: cannot write the checkpoint: ${messageOf(error)}`);
    }
  }
}

/** The checkpoint file of `kaudit backfill eks`. */
export class CheckpointFile extends JsonCheckpointFile<EksCheckpoint> {
  constructor(path: string) {
    super(path, EksCheckpointSchema, 'a kaudit EKS backfill checkpoint');
  }
}
