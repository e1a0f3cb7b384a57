/**
 * Parses the longest valid prefix of a JSON document that was cut short.
 *
 * Containers that end early keep the members completed before the cut (recursively), so a cut
 * inside `requestObject` still yields auditID, objectRef and user. A member whose value was cut
 * is dropped, unless `keepCutStrings` asks for a string's surviving start (the quarantine scrub
 * reads JSON carried in a string that was cut, as CloudWatch messages are). Returns null when the
 * text is not a JSON prefix at all (a syntax error before the end), since then it is not a
 * truncated document but a broken one.
 */
export function parseJsonPrefix(text: string, options: { keepCutStrings?: boolean } = {}): { value: unknown; complete: boolean } | null {
  const parser = new PrefixParser(text, options.keepCutStrings ?? false);
  try {
    const value = parser.value();
    parser.skipWhitespace();
    if (parser.position !== text.length) return null;
    return { value, complete: true };
  } catch (error) {
    if (error instanceof EndOfInput) return error.partial === undefined ? null : { value: error.partial, complete: false };
    // Too deep to recurse, or a syntax error before the end: not a prefix we can use.
    if (error instanceof JsonSyntaxError || error instanceof RangeError) return null;
    throw error;
  }
}

/**
 * Why a text is not JSON: where it goes wrong and what was expected there, naming the character
 * found only by its class. V8's own messages quote the input around the error, which may be an
 * unquoted secret value; this never quotes it, so it can go into quarantine details and logs.
 */
export function describeJsonError(text: string): string {
  const parser = new PrefixParser(text);
  try {
    parser.value();
    parser.skipWhitespace();
    if (parser.position === text.length) return 'not valid JSON';
    return `unexpected ${characterClass(text, parser.position)} at character ${parser.position} after the end of the JSON value`;
  } catch (error) {
    if (error instanceof EndOfInput) return text.trim() === '' ? 'no JSON value: the text is empty' : `the text ends at character ${text.length} before the JSON value is complete`;
    if (error instanceof JsonSyntaxError) return `unexpected ${characterClass(text, error.position)} at character ${error.position}: expected ${error.expected}`;
    if (error instanceof RangeError) return 'nested too deep to read';
    throw error;
  }
}

/** The content of a string the text ends in, less an escape sequence the end cut; undefined when it is not valid. */
function cutString(content: string): string | undefined {
  // A cut `\u` escape leaves `u` and up to three hex digits after its backslash.
  const unicode = /u[0-9a-fA-F]{0,3}$/.exec(content.slice(-4));
  const escapeEnd = content.length - (unicode?.[0].length ?? 0);
  let backslashes = 0;
  while (backslashes < escapeEnd && content.charCodeAt(escapeEnd - 1 - backslashes) === 0x5c) backslashes++;
  // An odd run of backslashes ends in an escape that was cut; an even run is escaped backslashes.
  const whole = backslashes % 2 === 1 ? content.slice(0, escapeEnd - 1) : content;
  try {
    return JSON.parse(`"${whole}"`) as string;
  } catch {
    return undefined;
  }
}

/** What stands at `position`, without quoting it unless it is JSON punctuation. */
function characterClass(text: string, position: number): string {
  const char = text[position] as string;
  if ('{}[]:,"'.includes(char)) return `'${char}'`;
  if (/\s/.test(char)) return 'whitespace';
  if (/\d/.test(char)) return 'a digit';
  if (/\p{L}/u.test(char)) return 'a letter';
  if (char < ' ') return 'a control character';
  return 'a character';
}

/** Thrown when the input ends; carries what the innermost open container had so far. */
class EndOfInput extends Error {
  constructor(readonly partial: unknown) {
    super('end of input');
  }
}

/** A syntax error at a position, with what the grammar expected there; never quotes the input. */
class JsonSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly expected: string,
  ) {
    super(`expected ${expected} at character ${position}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };
const VALUE = 'a JSON value (object, array, string, number, true, false or null)';
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class PrefixParser {
  position = 0;
  constructor(
    private readonly text: string,
    private readonly keepCutStrings = false,
  ) {}

  skipWhitespace(): void {
    while (this.position < this.text.length && ' \t\n\r'.includes(this.text[this.position] as string)) this.position++;
  }

  value(): unknown {
    this.skipWhitespace();
    if (this.position >= this.text.length) throw new EndOfInput(undefined);
    const char = this.text[this.position];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string('a string');
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
        this.expect(',', "',' or '}' after a property value");
        this.skipWhitespace();
        if (this.position >= this.text.length) throw partial();
      }
      const key = this.guard(() => this.string(first ? "a property name in double quotes or '}'" : 'a property name in double quotes'), partial);
      this.skipWhitespace();
      if (this.position >= this.text.length) throw partial();
      this.expect(':', "':' after a property name");
      try {
        const member = this.value();
        Object.defineProperty(result, key, { value: member, enumerable: true, writable: true, configurable: true });
      } catch (error) {
        if (!(error instanceof EndOfInput)) throw error;
        // A container cut inside still holds complete members worth keeping; a cut scalar does not.
        if (error.partial !== undefined) {
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
      if (!first) this.expect(',', "',' or ']' after an array item");
      try {
        result.push(this.value());
      } catch (error) {
        if (!(error instanceof EndOfInput)) throw error;
        if (error.partial !== undefined) result.push(error.partial);
        throw new EndOfInput(result);
      }
    }
  }

  private string(expected: string): string {
    if (this.text[this.position] !== '"') throw new JsonSyntaxError(this.position, expected);
    let end = this.position + 1;
    for (;;) {
      if (end >= this.text.length) throw new EndOfInput(this.keepCutStrings ? cutString(this.text.slice(this.position + 1)) : undefined);
      const char = this.text[end];
      if (char === '\\') end += 2;
      else if (char === '"') break;
      else end++;
    }
    const start = this.position;
    this.position = end + 1;
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string;
    } catch {
      // JSON.parse's message would quote the string; find the offending character instead.
      throw this.stringProblem(start + 1, end);
    }
  }

  /** The syntax error inside a string's content (from `from` to the closing quote at `end`). */
  private stringProblem(from: number, end: number): JsonSyntaxError {
    for (let at = from; at < end; at++) {
      const char = this.text[at] as string;
      if (char < ' ') return new JsonSyntaxError(at, 'no control characters inside a string (escape them)');
      if (char !== '\\') continue;
      const escaped = this.text[at + 1] as string;
      if (escaped === 'u' ? !/^[0-9a-fA-F]{4}$/.test(this.text.slice(at + 2, at + 6)) : !ESCAPES.has(escaped)) {
        return new JsonSyntaxError(at, 'a valid escape sequence after a backslash');
      }
      at++;
    }
    return new JsonSyntaxError(from - 1, 'a valid string');
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
    if (!match) throw new JsonSyntaxError(this.position, VALUE);
    this.position += match[0].length;
    // A number running into the end may itself have been cut ("12" of "1234").
    if (this.position >= this.text.length) throw new EndOfInput(undefined);
    return Number(match[0]);
  }

  private expect(char: string, expected: string): void {
    if (this.text[this.position] !== char) throw new JsonSyntaxError(this.position, expected);
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
