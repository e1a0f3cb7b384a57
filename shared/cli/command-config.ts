import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FlagValue, loadConfig } from '../config/read-config.ts';
import { parseSettingsFile } from '../config/settings-file.ts';
import type { KauditConfig } from '../config/settings-schema.ts';
import { fileErrorOf } from '../core/errors.ts';
import type { SettingKey } from '../core/settings.ts';
import { type CliIo, UsageError } from './cli-io.ts';

/** The flags a command maps onto settings, by setting. */
export type SettingFlags = Partial<Record<SettingKey, FlagValue | undefined>>;

/** A flag's value as a setting's, when it was given. */
export function flag(name: string, value: string | undefined): FlagValue | undefined {
  return value === undefined ? undefined : { flag: name, value };
}

/**
 * A command's configuration, read once: its flags, then the environment, then `--config FILE`,
 * then the defaults. A bad file is a UsageError; bad settings a ConfigurationError listing each.
 */
export async function commandConfig(io: CliIo, configFile: string | undefined, flags: SettingFlags = {}): Promise<KauditConfig> {
  return loadConfig({ env: io.env, file: configFile === undefined ? null : await readSettingsFile(configFile, io), flags });
}

export async function readSettingsFile(file: string, io: CliIo) {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`--config ${file}: cannot read: ${fileErrorOf(error)}`);
  }
  const parsed = await parseSettingsFile(text, file);
  if ('problems' in parsed) throw new UsageError(parsed.problems.join('; '));
  return parsed;
}
