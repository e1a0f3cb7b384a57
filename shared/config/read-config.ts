import { SETTINGS, type SettingKey } from '../core/settings.ts';
import { type KauditConfig, SETTING_SPECS } from './settings-schema.ts';

/** Where a setting's value came from; the precedence is flags > environment > file > default. */
export type SettingSource = { kind: 'flag'; flag: string } | { kind: 'environment' } | { kind: 'file'; file: string } | { kind: 'default' };

/** A flag that sets a setting for one run. */
export interface FlagValue {
  flag: string;
  value: string;
}

/** A settings file, read: each setting's text by name, as its environment variable would hold it. */
export interface SettingsFile {
  file: string;
  values: Readonly<Record<string, string>>;
}

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  file?: SettingsFile | null;
  flags?: Partial<Record<SettingKey, FlagValue | undefined>>;
}

/** A setting that cannot be used: its name, where its value came from, and what was expected. */
export interface SettingProblem {
  setting: string;
  source: SettingSource;
  message: string;
}

export interface ConfigReading {
  config: KauditConfig;
  /** Where each setting in force came from. */
  sources: Readonly<Record<SettingKey, SettingSource>>;
}

/** A configuration that cannot be used, with every problem, each naming its setting. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';

  constructor(readonly problems: readonly SettingProblem[]) {
    super(problems.map(describeProblem).join('; '));
  }
}

/**
 * Reads every setting once, from flags, the environment and a settings file in that order of
 * precedence, and the defaults. An empty value is an unset one, as in shells and app settings.
 * Reports every problem, not only the first.
 */
export function readConfig(sources: ConfigSources): ConfigReading | { problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const config: Record<string, unknown> = {};
  const from: Record<string, SettingSource> = {};
  for (const [key, { text, source }] of Object.entries(settingTexts(sources)) as [SettingKey, SettingText][]) {
    const spec = SETTING_SPECS[key];
    const name = SETTINGS[key];
    const parsed = spec.schema.safeParse(text);
    if (parsed.success) {
      config[key] = parsed.data;
      from[key] = source;
    } else {
      const got = spec.secret || text === undefined ? '' : `, got ${JSON.stringify(text)}`;
      problems.push({ setting: name, source, message: `expected ${spec.expected}${got}` });
    }
  }
  if (problems.length > 0) return { problems };
  return { config: config as KauditConfig, sources: from as Record<SettingKey, SettingSource> };
}

/** The configuration, or a ConfigurationError listing every problem. */
export function loadConfig(sources: ConfigSources): KauditConfig {
  const reading = readConfig(sources);
  if ('problems' in reading) throw new ConfigurationError(reading.problems);
  return reading.config;
}

/** The configuration of a process from its environment alone: what the functions run with. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): KauditConfig {
  return loadConfig({ env });
}

/** `KAUDIT_MAX_EVENT_BYTES (from settings.yaml): expected …`. */
export function describeProblem(problem: SettingProblem): string {
  return `${problem.setting}${sourceNote(problem.source)}: ${problem.message}`;
}

function sourceNote(source: SettingSource): string {
  switch (source.kind) {
    case 'flag':
      return ` (from ${source.flag})`;
    case 'file':
      return ` (from ${source.file})`;
    default:
      return '';
  }
}

/** A setting's text in force, before it is read: undefined when no source sets it. */
export interface SettingText {
  text: string | undefined;
  source: SettingSource;
}

/** Each setting's text in force and where it came from, by precedence. */
export function settingTexts(sources: ConfigSources): Record<SettingKey, SettingText> {
  const texts = {} as Record<SettingKey, SettingText>;
  for (const key of Object.keys(SETTING_SPECS) as SettingKey[]) texts[key] = textInForce(key, sources);
  return texts;
}

function textInForce(key: SettingKey, sources: ConfigSources): SettingText {
  const set = (text: string | undefined): text is string => text !== undefined && text.trim() !== '';
  const flag = sources.flags?.[key];
  if (flag !== undefined && set(flag.value)) return { text: flag.value, source: { kind: 'flag', flag: flag.flag } };
  const fromEnv = sources.env[SETTINGS[key]];
  if (set(fromEnv)) return { text: fromEnv, source: { kind: 'environment' } };
  const fromFile = sources.file?.values[SETTINGS[key]];
  if (sources.file && set(fromFile)) return { text: fromFile, source: { kind: 'file', file: sources.file.file } };
  return { text: undefined, source: { kind: 'default' } };
}
