import type * as z from 'zod';
import type { SettingType } from './setting-types.ts';

/** One setting of the configuration: how it is read, and what the settings table says of it. */
export interface SettingSpec<V> {
  /** From the setting's text (undefined when unset) to its value, the default applied. */
  schema: z.ZodType<V, string | undefined>;
  /** What a valid value looks like, for the docs and every message. */
  expected: string;
  /** The default as the docs state it; `—` for none. */
  defaultText: string;
  description: string;
  /** What reads it: functions, commands. */
  usedBy: string;
  /** Its value is never printed, not even in an error. */
  secret: boolean;
}

interface SettingInfo {
  description: string;
  usedBy: string;
  secret?: boolean;
  /** The default in words, when it is no plain value (it depends on another setting, say). */
  defaultText?: string;
}

/** A setting with a default: never null. */
export function setting<T>(type: SettingType<T>, info: SettingInfo & { default: NoInfer<T> }): SettingSpec<T>;
/** A setting without a default: null when unset. */
export function setting<T>(type: SettingType<T>, info: SettingInfo): SettingSpec<T | null>;
export function setting<T>(type: SettingType<T>, info: SettingInfo & { default?: T }): SettingSpec<T | null> {
  const fallback = info.default ?? null;
  return {
    schema: type.schema.optional().transform((value) => (value === undefined ? fallback : value)),
    expected: type.expected,
    defaultText: info.defaultText ?? (fallback === null ? '—' : `\`${String(fallback)}\``),
    description: info.description,
    usedBy: info.usedBy,
    secret: info.secret ?? false,
  };
}

/** The typed configuration of a table of settings. */
export type ConfigOf<S extends Record<string, SettingSpec<unknown>>> = { readonly [K in keyof S]: S[K] extends SettingSpec<infer V> ? V : never };
