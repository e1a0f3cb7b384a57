import * as z from 'zod';
import { JsonCheckpointFile } from '../../runtime/checkpoint.ts';

/**
 * How far `kaudit tail` has stored a log file: the file (its device and inode, and a digest of
 * its first bytes, which survives a rename and compression), the byte offset just past the last
 * line stored, and the number and record index the next line gets.
 */
const TailCheckpointSchema = z.strictObject({
  kind: z.literal('kaudit-tail/1'),
  path: z.string(),
  dev: z.number().int().nonnegative(),
  ino: z.number().int().nonnegative(),
  /** sha256 (hex) of the file's first `fingerprintBytes` bytes. */
  fingerprint: z.string(),
  fingerprintBytes: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  line: z.number().int().positive(),
  recordIndex: z.number().int().nonnegative(),
  updatedAt: z.string(),
});
export type TailCheckpoint = z.infer<typeof TailCheckpointSchema>;

export function tailCheckpointFile(path: string): JsonCheckpointFile<TailCheckpoint> {
  return new JsonCheckpointFile(path, TailCheckpointSchema, 'a kaudit tail checkpoint');
}
