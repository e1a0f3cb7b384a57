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
  /**
   * Offset just past the line and its `\n`, from the first byte split: where to read again to see
   * the lines after it. For a line that was cut, where it starts (its end is not known yet).
   */
  end: number;
}

/**
 * The lines of a stream of chunks, as they arrive. A line longer than `maxLineBytes` is given as
 * soon as that many bytes of it have arrived, marked cut, and the rest of it is passed over
 * unread: no input can make a line grow without bound, or make the reader wait for the end of
 * one. `\n` never occurs inside a multi-byte UTF-8 sequence, so splitting bytes on it splits no
 * character.
 */
export async function* byteLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<ByteLine, void, undefined> {
  const splitter = new LineSplitter(maxLineBytes);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** {@link byteLines} for a reader that pushes chunks itself (a file being followed). */
export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  private skipping = false;
  private sinceNewline = 0;
  private number: number;
  /** Bytes pushed up to and including the last `\n`. */
  private consumed = 0;

  constructor(
    private readonly maxLineBytes: number,
    firstLine = 1,
  ) {
    this.number = firstLine;
  }

  push(chunk: Buffer): ByteLine[] {
    const lines: ByteLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const stop = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, stop);
      start = stop + 1;
      if (newline === -1) {
        this.sinceNewline += piece.length;
      } else {
        this.consumed += this.sinceNewline + piece.length + 1;
        this.sinceNewline = 0;
      }
      if (this.skipping) {
        if (newline !== -1) this.skipping = false;
        continue;
      }
      const room = this.maxLineBytes - this.held;
      if (piece.length > room) {
        this.skipping = newline === -1;
        lines.push(this.line(true, false, piece.subarray(0, room)));
      } else if (newline !== -1) {
        lines.push(this.line(false, true, piece));
      } else if (piece.length > 0) {
        this.parts.push(Buffer.from(piece));
        this.held += piece.length;
      }
    }
    return lines;
  }

  /** The last line, when the stream does not end in `\n`. */
  end(): ByteLine[] {
    if (this.held === 0) return [];
    this.consumed += this.sinceNewline;
    this.sinceNewline = 0;
    return [this.line(false, false)];
  }

  private line(cut: boolean, terminated: boolean, last?: Buffer): ByteLine {
    // A line within one chunk is decoded from it directly; parts are copies (a chunk must not stay alive as long as its line).
    const text = this.parts.length === 0 ? (last?.toString('utf8') ?? '') : Buffer.concat(last ? [...this.parts, last] : this.parts).toString('utf8');
    const result = { text, number: this.number++, bytes: this.held + (last?.length ?? 0), cut, terminated, end: this.consumed };
    this.parts = [];
    this.held = 0;
    return result;
  }
}
