import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceWatermark, CheckpointFile, isBehind } from '../../shared/runtime/checkpoint.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('watermark', () => {
  it('moves to the newest timestamp, keeping the ids stored in that millisecond', () => {
    // Act
    const watermark = advanceWatermark(null, [
      { timestamp: 10, eventId: 'a' },
      { timestamp: 12, eventId: 'b' },
      { timestamp: 12, eventId: 'c' },
    ]);

    // Assess
    expect(watermark).toEqual({ timestamp: 12, eventIds: ['b', 'c'] });
  });

  it('adds to the ids of a millisecond that spans two pages', () => {
    // Act
    const watermark = advanceWatermark({ timestamp: 12, eventIds: ['b'] }, [{ timestamp: 12, eventId: 'c' }]);

    // Assess
    expect(watermark).toEqual({ timestamp: 12, eventIds: ['b', 'c'] });
  });

  it('stays where it was after an empty page', () => {
    // Act
    const watermark = advanceWatermark({ timestamp: 12, eventIds: ['b'] }, []);

    // Assess
    expect(watermark).toEqual({ timestamp: 12, eventIds: ['b'] });
  });

  it.each([
    [{ timestamp: 11, eventId: 'x' }, true],
    [{ timestamp: 12, eventId: 'b' }, true],
    [{ timestamp: 12, eventId: 'c' }, false],
    [{ timestamp: 13, eventId: 'b' }, false],
  ])('counts %j as already stored: %s', (event, behind) => {
    // Act
    const result = isBehind({ timestamp: 12, eventIds: ['b'] }, event);

    // Assess
    expect(result).toBe(behind);
  });
});

describe('CheckpointFile', () => {
  let dir: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    dir = await temporaryFileStore();
  });
  afterEach(() => dir.cleanup());

  it('reads nothing when the file does not exist yet', async () => {
    // Act
    const checkpoint = await new CheckpointFile(path.join(dir.root, 'absent.json')).read();

    // Assess
    expect(checkpoint).toBeNull();
  });

  it('reads back what it wrote', async () => {
    // Prepare
    const file = new CheckpointFile(path.join(dir.root, 'checkpoint.json'));
    const checkpoint = {
      kind: 'kaudit-backfill-eks/1' as const,
      logGroup: '/aws/eks/prod-eu/cluster',
      region: 'eu-west-1',
      watermark: { timestamp: 12, eventIds: ['b'] },
      updatedAt: '2026-11-22T09:00:00.000Z',
    };

    // Act
    await file.write(checkpoint);

    // Assess
    expect(await file.read()).toEqual(checkpoint);
    expect(JSON.parse(await readFile(file.path, 'utf8'))).toEqual(checkpoint);
  });

  it('names the file and the problem when it is not a checkpoint', async () => {
    // Prepare
    const file = new CheckpointFile(path.join(dir.root, 'checkpoint.json'));
    await writeFile(file.path, JSON.stringify({ kind: 'kaudit-backfill-eks/1', logGroup: 7 }));

    // Act
    const read = file.read();

    // Assess
    await expect(read).rejects.toThrow(`${file.path}: not a kaudit EKS backfill checkpoint:`);
  });
});
