import path from 'node:path';
import type { Command } from 'commander';
import { readConfig, type SettingProblem, type SettingSource, type SettingText, settingTexts } from '../../config/read-config.ts';
import { messageOf } from '../../core/errors.ts';
import { SETTINGS, type SettingKey } from '../../core/settings.ts';
import type { CliIo } from '../cli-io.ts';
import { readSettingsFile } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

const EXAMPLES = `
Examples:
  # the settings of this shell
  kaudit config check

  # a deployment's settings file, with the environment on top, for a script
  kaudit config check --config prod-settings.yaml --json`;

export function registerConfig(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const config = program.command('config').description(COMMAND_SUMMARIES.config);
  config
    .command('check')
    .description('validate the settings in force: the environment, over --config FILE; every problem is listed, naming its setting')
    .addOption(SHARED_OPTIONS.config())
    .addOption(SHARED_OPTIONS.json('print {"valid", "problems", "set"} as one JSON object'))
    .addHelpText('after', `${EXAMPLES}\n${exitStatusHelp({ ok: 'every setting is valid', usage: 'a setting is invalid, or the settings file cannot be read' })}`)
    .action(async (options: SharedOptionValues) => setExit(await configCheckCommand(options, io)));
}

/** `kaudit config check`: each setting read as the functions and commands read it, then what gives it meaning. */
async function configCheckCommand(options: SharedOptionValues, io: CliIo): Promise<number> {
  const sources = { env: io.env, file: options.config === undefined ? null : await readSettingsFile(options.config, io) };
  const texts = settingTexts(sources);
  const reading = readConfig(sources);
  const problems = 'problems' in reading ? reading.problems : [];
  const invalid = new Set(problems.map((problem) => problem.setting));
  problems.push(...(await meaningProblems(texts, invalid, io)));
  const set = (Object.entries(texts) as [SettingKey, SettingText][]).filter(([, { text }]) => text !== undefined);
  if (options.json) {
    const json = {
      valid: problems.length === 0,
      problems: problems.map(({ setting, source, message }) => ({ setting, from: fromText(source), problem: message })),
      set: set.map(([key, { source }]) => ({ setting: SETTINGS[key], from: fromText(source) })),
    };
    io.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    for (const { setting, source, message } of problems) io.stderr.write(`kaudit: ${setting}${source.kind === 'file' ? ` (from ${source.file})` : ''}: ${message}\n`);
    if (problems.length === 0) io.stdout.write(`settings valid: ${set.length} set (${describeSources(set.map(([, { source }]) => source))})\n`);
  }
  return problems.length === 0 ? EXIT.ok : EXIT.usage;
}

type Check = (text: string, texts: Record<SettingKey, SettingText>, io: CliIo) => unknown;

async function storeUrlCheck(): Promise<Check> {
  const { parseStoreUrl } = await import('../../store/store-url.ts');
  return (text) => parseStoreUrl(text);
}

/**
 * The checks of what gives a setting meaning, above the configuration: a store URL's form, a
 * policy or redaction document, the tokens, the detection settings. Loaded only here.
 */
const MEANING_CHECKS: Partial<Record<SettingKey, () => Promise<Check>>> = {
  storeUrl: storeUrlCheck,
  deadLetterUrl: storeUrlCheck,
  policy: async () => {
    const { buildPipelineOptions } = await import('../../pipeline/pipeline-options.ts');
    return (text, _texts, check) => buildPipelineOptions({ policy: text, redaction: 'off', baseDir: check.cwd });
  },
  redactionExtras: async () => {
    const { parseRedactionExtras } = await import('../../transforms/redaction/redaction-extras.ts');
    return (text) => parseRedactionExtras(text);
  },
  redactionPaths: async () => {
    const { buildPipelineOptions } = await import('../../pipeline/pipeline-options.ts');
    return (text, texts, check) =>
      buildPipelineOptions({ redactionPaths: text, redaction: texts.redaction.text?.trim().toLowerCase() === 'off' ? 'off' : 'on', baseDir: check.cwd });
  },
  webhookTokens: async () => {
    const [{ parseTokenTable }, { readTokenFile }] = await Promise.all([import('../../sources/webhook/tokens.ts'), import('../../sources/webhook/webhook-settings.ts')]);
    return (text, texts, check) => {
      if (texts.webhookTokensSecret.text !== undefined) throw new Error(`${SETTINGS.webhookTokensSecret} is set too: set one, so it is clear which tokens are in force`);
      return text.startsWith('{') ? parseTokenTable(text, SETTINGS.webhookTokens) : readTokenFile(path.resolve(check.cwd, text));
    };
  },
  webhookTokensSecret: async () => {
    const { parseTokensSecretReference } = await import('../../sources/webhook/tokens-secret.ts');
    return (text) => parseTokensSecretReference(text, SETTINGS.webhookTokensSecret);
  },
  approvedNetworks: async () => {
    const { parseApprovedNetworks } = await import('../../transforms/detection/approved-networks.ts');
    return (text) => parseApprovedNetworks(text);
  },
  rules: async () => {
    const { loadConfiguredRules, rulesSetting } = await import('../../pipeline/detection-rules.ts');
    return (text, texts, check) =>
      loadConfiguredRules({ ...rulesSetting(text), approvedNetworks: texts.approvedNetworks.text, disabledRules: texts.disabledRules.text, baseDir: check.cwd });
  },
  disabledRules: async () => {
    const { parseDisabledRules } = await import('../../transforms/detection/built-in-pack.ts');
    return (text) => parseDisabledRules(text);
  },
};

async function meaningProblems(texts: Record<SettingKey, SettingText>, invalid: ReadonlySet<string>, io: CliIo): Promise<SettingProblem[]> {
  const problems: SettingProblem[] = [];
  for (const [key, load] of Object.entries(MEANING_CHECKS) as [SettingKey, () => Promise<Check>][]) {
    const { text, source } = texts[key];
    const setting = SETTINGS[key];
    if (text === undefined || invalid.has(setting)) continue;
    try {
      await (await load())(text, texts, io);
    } catch (error) {
      // Messages that already name the setting keep their own words after it.
      const message = messageOf(error);
      problems.push({ setting, source, message: message.startsWith(`${setting}: `) ? message.slice(setting.length + 2) : message });
    }
  }
  return problems;
}

function fromText(source: SettingSource): string {
  return source.kind === 'file' ? `file:${source.file}` : source.kind === 'flag' ? `flag:${source.flag}` : source.kind;
}

function describeSources(sources: SettingSource[]): string {
  const fromEnv = sources.filter((source) => source.kind === 'environment').length;
  const files = [...new Set(sources.flatMap((source) => (source.kind === 'file' ? [source.file] : [])))];
  const fromFile = sources.length - fromEnv;
  return [`${fromEnv} from the environment`, ...(files.length > 0 ? [`${fromFile} from ${files.join(', ')}`] : [])].join(', ');
}
