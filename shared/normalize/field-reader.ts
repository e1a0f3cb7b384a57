/**
 * Typed reads from untrusted JSON. A value of the wrong type reads as null and leaves a short
 * warning, so one malformed field costs that field, not the whole audit event.
 */
export class FieldReader {
  readonly warnings: string[] = [];

  record(value: unknown, path: string): Record<string, unknown> | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.wrongType(path, 'object', value);
  }

  string(value: unknown, path: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    return this.wrongType(path, 'string', value);
  }

  /** A string that the API server omits when empty: "" reads as null. */
  nonEmptyString(value: unknown, path: string): string | null {
    const text = this.string(value, path);
    return text === '' ? null : text;
  }

  integer(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    // Past 2^53 a number is no longer exact, and no integer column (BIGINT) takes it.
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) {
      this.warnings.push(`${path}: coerced string to integer`);
      return Number(value);
    }
    return this.wrongType(path, 'integer', value);
  }

  stringList(value: unknown, path: string): string[] | null {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) return this.wrongType(path, 'array of strings', value);
    const strings = value.filter(isString);
    if (strings.length !== value.length) this.warnings.push(`${path}: dropped ${value.length - strings.length} non-string item(s)`);
    return strings;
  }

  /** A map of string → T, dropping entries of the wrong type. Keys are kept verbatim. */
  stringMap<T>(value: unknown, path: string, readEntry: (entry: unknown, entryPath: string, reader: FieldReader) => T | null): Record<string, T> | null {
    const source = this.record(value, path);
    if (!source) return null;
    const result: Record<string, T> = {};
    for (const key of Object.keys(source)) {
      const entry = readEntry(source[key], `${path}.${key}`, this);
      if (entry === null) continue;
      // Defined, not assigned: assigning "__proto__" would set the prototype instead of adding a key.
      // (Not Object.create(null) and a prototype set afterwards: that leaves a dictionary object, slower to serialize.)
      if (key === '__proto__') Object.defineProperty(result, key, { value: entry, enumerable: true, writable: true, configurable: true });
      else result[key] = entry;
    }
    return result;
  }

  private wrongType(path: string, expected: string, actual: unknown): null {
    const got = Array.isArray(actual) ? 'array' : typeof actual;
    this.warnings.push(`${path}: expected ${expected}, got ${got}`);
    return null;
  }
}

// Hot-path callbacks live at module level: a closure made per call costs an allocation, and a
// function-name definition too in bundles built with keepNames.
function isString(item: unknown): item is string {
  return typeof item === 'string';
}
