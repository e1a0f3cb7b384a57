import { describe, expect, it } from 'vitest';
import { byteLines } from '../../shared/core/byte-lines.ts';

async function linesOf(chunks: string[], maxLineBytes = 1024) {
  async function* source() {
    for (const chunk of chunks) yield Buffer.from(chunk);
  }
  const lines = [];
  for await (const line of byteLines(source(), maxLineBytes)) lines.push(line);
  return lines;
}

describe('byteLines', () => {
  it('joins a line split across chunks and gives a last line without a newline', async () => {
    // Act
    const lines = await linesOf(['{"a":', '"x"}\nne', 'xt']);

    // Assess
    expect(lines.map((line) => [line.text, line.number, line.terminated])).toEqual([
      ['{"a":"x"}', 1, true],
      ['next', 2, false],
    ]);
  });

  it('decodes a character whose bytes arrive in two chunks', async () => {
    // Prepare
    const bytes = Buffer.from('{"name":"€"}\n');
    async function* source() {
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10);
    }

    // Act
    const lines = [];
    for await (const line of byteLines(source(), 1024)) lines.push(line.text);

    // Assess
    expect(lines).toEqual(['{"name":"€"}']);
  });

  it('gives a line longer than the limit as soon as the limit is reached, cut, and passes over the rest of it', async () => {
    // Act
    const lines = await linesOf(['0123456789', 'abcdef', 'ghij\nshort\n'], 8);

    // Assess
    expect(lines.map((line) => ({ text: line.text, cut: line.cut, number: line.number }))).toEqual([
      { text: '01234567', cut: true, number: 1 },
      { text: 'short', cut: false, number: 2 },
    ]);
  });
});
