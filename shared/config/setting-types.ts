import * as z from 'zod';

/**
 * How one setting's text is read: a zod schema from the text (trimmed, never empty: an empty
 * variable is an unset one) to the typed value, and what the docs and messages say is expected.
 */
export interface SettingType<T> {
  schema: z.ZodType<T, string>;
  expected: string;
}

/** Any non-empty text, without the white space around it. */
export function text(expected: string): SettingType<string> {
  return { schema: z.string().trim(), expected };
}

/** A YAML or JSON document, or the path of a file holding one: kept as written, since a document's line breaks tell it from a path. */
export function documentText(expected: string): SettingType<string> {
  return { schema: z.string(), expected };
}

/** An absolute URL. */
export function url(expected = 'an absolute URL'): SettingType<string> {
  return { schema: z.string().trim().pipe(z.url()), expected };
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER, expected = `a whole number from ${min} to ${max}`): SettingType<number> {
  return { schema: z.string().transform(Number).pipe(z.number().int().min(min).max(max)), expected };
}

/** A number from more than 0 to `max`, fractions allowed. */
export function positiveNumber(max: number, expected: string): SettingType<number> {
  return { schema: z.string().transform(Number).pipe(z.number().gt(0).max(max)), expected };
}

const DURATION = /^(\d+)([mhd])$/;
const DURATION_UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A whole number of minutes, hours or days (`90m`, `2h`, `1d`), as milliseconds. */
export function duration(expected = 'a duration such as 90m, 2h or 1d'): SettingType<number> {
  return {
    schema: z
      .string()
      .trim()
      .regex(DURATION)
      .transform((text) => {
        const [, amount, unit] = DURATION.exec(text) as RegExpExecArray;
        return Number(amount) * DURATION_UNIT_MS[unit as keyof typeof DURATION_UNIT_MS];
      }),
    expected,
  };
}

/** `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`, as zod's stringbool reads them). */
export function boolean(): SettingType<boolean> {
  return { schema: z.stringbool(), expected: 'true or false' };
}

/** One of a few words, in any case. */
export function oneOf<const W extends readonly [string, ...string[]]>(words: W): SettingType<W[number]> {
  return { schema: z.string().trim().toLowerCase().pipe(z.enum(words)), expected: words.join(' or ') };
}

/** JSON text whose value `shape` accepts; the value is the text itself, for the module that gives it meaning. */
export function jsonText(shape: z.ZodType, expected: string): SettingType<string> {
  return {
    schema: z.string().refine((value) => {
      try {
        return shape.safeParse(JSON.parse(value)).success;
      } catch {
        return false;
      }
    }),
    expected,
  };
}
