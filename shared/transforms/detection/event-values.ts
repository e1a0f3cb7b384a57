/**
 * How a field's value in an event is seen by a rule: lists match when any element does, a value is
 * present when it holds something non-null, and scalars have a text and maybe a number.
 */

/** Whether any element of the value (the value itself when it is no list; nested lists included) passes. */
export function anyElement(value: unknown, test: (element: unknown) => boolean): boolean {
  if (value === null || value === undefined) return false;
  if (!Array.isArray(value)) return test(value);
  for (const element of value) if (anyElement(element, test)) return true;
  return false;
}

/**
 * Whether the field holds something: not missing, not null, and for a list at least one element that
 * holds something. The canonical event writes an absent value as null, so a missing field and a null
 * one cannot be told apart; neither is present.
 */
export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (!Array.isArray(value)) return true;
  for (const element of value) if (isPresent(element)) return true;
  return false;
}

/** The text a string pattern is matched against: strings as they are, numbers and booleans as JSON writes them. Objects have none. */
export function textOf(element: unknown): string | null {
  if (typeof element === 'string') return element;
  if (typeof element === 'number' || typeof element === 'boolean') return String(element);
  return null;
}

const NUMERIC_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Whether a text is a decimal number (`403`, `-1.5`, `2e3`), as rules and events write numbers. */
export function isNumericText(text: string): boolean {
  return NUMERIC_TEXT.test(text);
}

/** The number an element holds: a finite number, or a string that is a decimal number; else null. */
export function numberOf(element: unknown): number | null {
  if (typeof element === 'number') return Number.isFinite(element) ? element : null;
  if (typeof element === 'string' && isNumericText(element)) return Number(element);
  return null;
}
