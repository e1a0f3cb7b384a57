import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NdjsonGzipWriter } from '../../shared/store/ndjson-gzip-writer.ts';

async function writeAll(lines: readonly string[]): Promise<Buffer> {
  const writer = new NdjsonGzipWriter();
  for (const line of lines) {
    writer.add(line);
    if (writer.full) await writer.flush();
  }
  return writer.finish();
}

/** Lines of JSON that compress like audit rows: repeated keys, varying values. */
function rows(count: number): string[] {
  return Array.from({ length: count }, (_, index) => JSON.stringify({ index, name: `pod-${(index * 7919) % 1000}`, text: 'x'.repeat(index % 300) }));
}

describe('NdjsonGzipWriter', () => {
  it('writes the bytes gzipSync writes for the whole text, over many chunks', async () => {
    // Prepare
    const lines = rows(20_000);

    // Act
    const streamed = await writeAll(lines);

    // Assess
    expect(streamed.equals(gzipSync(lines.map((line) => `${line}\n`).join('')))).toBe(true);
  });

  it('encodes characters outside ASCII as UTF-8, whichever chunk a row lands in', async () => {
    // Prepare: 2- to 4-byte characters, a surrogate pair among them, over several chunks
    const lines = rows(6_000).map((line, index) => JSON.stringify({ line, note: `é 日本 🚀 ${'ü'.repeat(index % 50)}` }));

    // Act
    const streamed = await writeAll(lines);

    // Assess
    expect(gunzipSync(streamed).toString('utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
  });

  it('writes a row larger than a chunk whole, between its neighbours', async () => {
    // Prepare: a 1 MB row (a large pod list) between small ones
    const lines = ['{"first":1}', JSON.stringify({ items: 'p'.repeat(1_000_000) }), '{"last":2}'];

    // Act
    const streamed = await writeAll(lines);

    // Assess
    expect(gunzipSync(streamed).toString('utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
  });

  it('writes one line per row, each ending in a newline', async () => {
    // Act
    const written = await writeAll(['{"a":1}', '{"b":2}']);

    // Assess
    expect(gunzipSync(written).toString()).toBe('{"a":1}\n{"b":2}\n');
  });

  it('writes an empty gzip object when no row was added', async () => {
    // Act
    const written = await writeAll([]);

    // Assess
    expect(gunzipSync(written).length).toBe(0);
  });
});
