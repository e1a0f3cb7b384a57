/**
 * Copy-on-write helpers for JSON values: each returns its input itself when nothing changed, so
 * events that hold nothing to change cost no allocation.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A shallow copy with `key` set; defined, not assigned, so a `__proto__` key stays a plain key. */
export function withKey(record: JsonRecord, key: string, value: unknown): JsonRecord {
  const copy = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `record` with each listed key's value passed through `change`. */
export function mapKeys(record: JsonRecord, keys: Iterable<string>, change: (value: unknown, key: string) => unknown): JsonRecord {
  let result = record;
  for (const key of keys) {
    if (!Object.hasOwn(record, key)) continue;
    const before = record[key];
    const after = change(before, key);
    if (after !== before) result = result === record ? withKey(record, key, after) : defineOn(result, key, after);
  }
  return result;
}

/** `record` with every value passed through `change`. */
export function mapValues(record: JsonRecord, change: (value: unknown, key: string) => unknown): JsonRecord {
  return mapKeys(record, Object.keys(record), change);
}

/** `array` with every item passed through `change`. */
export function mapItems(array: readonly unknown[], change: (value: unknown, index: number) => unknown): readonly unknown[] {
  let result: unknown[] | null = null;
  for (let index = 0; index < array.length; index++) {
    const before = array[index];
    const after = change(before, index);
    if (after !== before) {
      result ??= array.slice();
      result[index] = after;
    }
  }
  return result ?? array;
}

function defineOn(record: JsonRecord, key: string, value: unknown): JsonRecord {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  return record;
}
