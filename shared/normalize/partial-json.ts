/**
 * Parses the longest valid prefix of a JSON document that was cut short.
 *
 * Containers that end early keep the members completed before the cut (recursively), so a cut
 * inside `requestObject` still yields auditID, objectRef and user. A member whose value was cut
 * is dropped. Returns null when the text is not a JSON prefix at all (a syntax error before the
 * end), since then it is not a truncated document but a broken one.
 */
export function parseJsonPrefix(text: string): { value: unknown; complete: boolean } | null {
  const parser = new PrefixParser(text);
  try {
    const value = parser.value();
    parser.skipWhitespace();
    if (parser.position !== text.length) return null;
    return { value, complete: true };
  } catch (error) {
    if (error instanceof EndOfInput) return error.partial === undefined ? null : { value: error.partial, complete: false };
    // Too deep to recurse, or a syntax error before the end: not a prefix we can use.
    if (error instanceof SyntaxError || error instanceof RangeError) return null;
    throw error;
  }
}

/** Thrown when the input ends; carries what the innermost open container had so far. */
class EndOfInput extends Error {
  constructor(readonly partial: unknown) {
    super('end of input');
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };

class PrefixParser {
  position = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    while (this.position < this.text.length && ' \t\n\r'.includes(this.text[this.position] as string)) this.position++;
  }

  value(): unknown {
    this.skipWhitespace();
    if (this.position >= this.text.length) throw new EndOfInput(undefined);
    const char = this.text[this.position];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    return this.scalar();
  }

  private object(): Record<string, unknown> {
    this.position++;
    const result: Record<string, unknown> = {};
    const partial = () => new EndOfInput(result);
    for (let first = true; ; first = false) {
      this.skipWhitespace();
      if (this.position >= this.text.length) throw partial();
      if (this.text[this.position] === '}') {
        this.position++;
        return result;
      }
      if (!first) {
        this.expect(',');
        this.skipWhitespace();
        if (this.position >= this.text.length) throw partial();
      }
      const key = this.guard(() => this.string(), partial);
      this.skipWhitespace();
      if (this.position >= this.text.length) throw partial();
      this.expect(':');
      try {
        const member = this.value();
        Object.defineProperty(result, key, { value: member, enumerable: true, writable: true, configurable: true });
      } catch (error) {
        if (!(error instanceof EndOfInput)) throw error;
        // A container cut inside still holds complete members worth keeping; a cut scalar does not.
        if (error.partial !== undefined && typeof error.partial === 'object') {
          Object.defineProperty(result, key, { value: error.partial, enumerable: true, writable: true, configurable: true });
        }
        throw partial();
      }
    }
  }

  private array(): unknown[] {
    this.position++;
    const result: unknown[] = [];
    for (let first = true; ; first = false) {
      this.skipWhitespace();
      if (this.position >= this.text.length) throw new EndOfInput(result);
      if (this.text[this.position] === ']') {
        this.position++;
        return result;
      }
      if (!first) this.expect(',');
      try {
        result.push(this.value());
      } catch (error) {
        if (!(error instanceof EndOfInput)) throw error;
        if (error.partial !== undefined && typeof error.partial === 'object') result.push(error.partial);
        throw new EndOfInput(result);
      }
    }
  }

  private string(): string {
    if (this.text[this.position] !== '"') throw new SyntaxError(`expected '"' at ${this.position}`);
    let end = this.position + 1;
    for (;;) {
      if (end >= this.text.length) throw new EndOfInput(undefined);
      const char = this.text[end];
      if (char === '\\') end += 2;
      else if (char === '"') break;
      else end++;
    }
    const token = this.text.slice(this.position, end + 1);
    this.position = end + 1;
    return JSON.parse(token) as string;
  }

  private scalar(): unknown {
    for (const literal of Object.keys(LITERALS)) {
      const slice = this.text.slice(this.position, this.position + literal.length);
      if (slice === literal) {
        this.position += literal.length;
        return LITERALS[literal];
      }
      if (this.position + slice.length === this.text.length && literal.startsWith(slice)) throw new EndOfInput(undefined);
    }
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match) throw new SyntaxError(`unexpected character at ${this.position}`);
    this.position += match[0].length;
    // A number running into the end may itself have been cut ("12" of "1234").
    if (this.position >= this.text.length) throw new EndOfInput(undefined);
    return Number(match[0]);
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw new SyntaxError(`expected '${char}' at ${this.position}`);
    this.position++;
  }

  private guard<T>(read: () => T, partial: () => EndOfInput): T {
    try {
      return read();
    } catch (error) {
      if (error instanceof EndOfInput) throw partial();
      throw error;
    }
  }
}
