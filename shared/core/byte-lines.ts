/** One line of a byte stream, decoded as UTF-8, without its `\n`. */
export interface ByteLine {
  /** The line's text; when it was longer than the limit, its first `maxLineBytes` bytes only. */
  text: string;
  /** 1-based. */
  number: number;
  /** Bytes of `text` as they were in the stream. */
  bytes: number;
  /** Whether the line was longer than the limit: `text` is its beginning, and the rest was passed over. */
  cut: boolean;
  /** Whether a `\n` ended the line (false for a line that was cut, or the last line of a stream not ending in one). */
  terminated: boolean;
}

/**
 * The lines of a stream of chunks, as they arrive. A line longer than `maxLineBytes` is given as
 * soon as that many bytes of it have arrived, marked cut, and the rest of it is passed over
 * unread: no input can make a line grow without bound, or make the reader wait for the end of
 * one. `\n` never occurs inside a multi-byte UTF-8 sequence, so splitting bytes on it splits no
 * character.
 */
export async function* byteLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<ByteLine, void, undefined> {
  let parts: Buffer[] = [];
  let held = 0;
  let number = 1;
  let skipping = false;
  const line = (cut: boolean, terminated: boolean, last?: Buffer): ByteLine => {
    // A line within one chunk is decoded from it directly; parts are copies (a chunk must not stay alive as long as its line).
    const text = parts.length === 0 ? (last?.toString('utf8') ?? '') : Buffer.concat(last ? [...parts, last] : parts).toString('utf8');
    const result = { text, number: number++, bytes: held + (last?.length ?? 0), cut, terminated };
    parts = [];
    held = 0;
    return result;
  };
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const stop = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, stop);
      start = stop + 1;
      if (skipping) {
        if (newline !== -1) skipping = false;
        continue;
      }
      const room = maxLineBytes - held;
      if (piece.length > room) {
        skipping = newline === -1;
        yield line(true, false, piece.subarray(0, room));
      } else if (newline !== -1) {
        yield line(false, true, piece);
      } else if (piece.length > 0) {
        parts.push(Buffer.from(piece));
        held += piece.length;
      }
    }
  }
  if (held > 0) yield line(false, false);
}
