import { Option } from 'commander';
import { DEFAULT_STORE_URL } from '../config/settings-schema.ts';
import { ROW_FORMATS } from './format-rows.ts';

const TIME = 'ISO-8601 (2026-11-20T14:00:00Z, 2026-11-20; UTC unless it says otherwise) or a duration ago (90m, 24h, 7d)';

/**
 * The options several commands share, defined once (docs/cli.md#shared-options). Each is a factory:
 * a command adds a fresh Option with `.addOption(SHARED_OPTIONS.store())`. The options that set a
 * setting say so in their help, and reach the configuration through `commandConfig`.
 */
export const SHARED_OPTIONS = {
  /** Sets KAUDIT_STORE_URL for the run. */
  store: () => new Option('--store <url>', `store URL (default: $KAUDIT_STORE_URL, else ${DEFAULT_STORE_URL})`),
  /** A settings file, the lowest precedence after the defaults. */
  config: () => new Option('--config <file>', 'settings file, YAML or JSON (precedence: flags, then environment, then this file; see docs/configuration.md)'),
  /** Sets KAUDIT_POLICY for the run. */
  policy: () => new Option('--policy <file>', 'audit Policy to apply before storing (default: $KAUDIT_POLICY)'),
  /** Sets AWS_REGION for the run. */
  awsRegion: (what: string) => new Option('--region <region>', `${what} (default: $AWS_REGION, else $AWS_DEFAULT_REGION)`),
  json: (what = 'print the summary as one JSON object') => new Option('--json', what),
  format: () => new Option('--format <format>', 'output format').choices(ROW_FORMATS).default('table'),
  since: (what = 'only events at or after TIME') => new Option('--since <time>', `${what}: ${TIME}`),
  until: (what = 'only events before TIME (default: now)') => new Option('--until <time>', what),
};

/** The values of the shared options a command declared, as commander parses them. */
export interface SharedOptionValues {
  store?: string;
  config?: string;
  policy?: string;
  region?: string;
  json?: boolean;
}
