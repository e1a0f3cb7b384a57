import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTimeOrder } from '../../shared/compaction/source-order.ts';
import { eventsAt } from '../helpers/compaction.ts';

describe('the order the stage reads an hour in', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'kaudit-source-order-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  async function object(name: string, body: Buffer): Promise<{ path: string }> {
    const file = path.join(work, name);
    await writeFile(file, body);
    return { path: file };
  }

  const ndjson = (times: string[]) =>
    gzipSync(
      `${eventsAt('e', times)
        .map((event) => JSON.stringify(event))
        .join('\n')}\n`,
    );

  it('puts the objects in the order of their first event, whatever their names or later events', async () => {
    // Prepare
    const third = await object('a.ndjson.gz', ndjson(['2026-11-20T09:40:00.000001Z', '2026-11-20T09:01:00Z']));
    const first = await object('b.ndjson.gz', ndjson(['2026-11-20T09:00:00.5Z']));
    const second = await object('c.ndjson.gz', ndjson(['2026-11-20T09:20:00Z']));

    // Act
    const ordered = await inTimeOrder([third, first, second]);

    // Assess
    expect(ordered).toEqual([first, second, third]);
  });

  it('puts last, in their order, objects whose head does not read as an event with a time', async () => {
    // Prepare
    const notGzip = await object('a.ndjson.gz', Buffer.from('{"time":"2026-11-20T09:00:00Z"}\n'));
    const noTime = await object('b.ndjson.gz', gzipSync('{"verb":"get"}\n'));
    const cutShort = await object('c.ndjson.gz', ndjson(['2026-11-20T09:00:00Z']).subarray(0, 30));
    const readable = await object('d.ndjson.gz', ndjson(['2026-11-20T09:59:00Z']));

    // Act
    const ordered = await inTimeOrder([notGzip, noTime, cutShort, readable]);

    // Assess
    expect(ordered).toEqual([readable, notGzip, noTime, cutShort]);
  });
});
