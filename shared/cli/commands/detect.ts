import { type Command, Option } from 'commander';
import type { KauditConfig } from '../../config/settings-schema.ts';
import { messageOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { alertWebhookUrl, postFindings } from '../../detect/alert-webhook.ts';
import { DEFAULT_ANALYTICS_PARAMETERS } from '../../detect/analytics.ts';
import { findingsOverLake, lakeRangeOfRun, saveFindings } from '../../detect/detect-run.ts';
import { ocsfDetectionFinding } from '../../detect/ocsf-finding.ts';
import { BUILT_IN_RULES_NAME, loadConfiguredRules, RulesRefusedError } from '../../pipeline/detection-rules.ts';
import type { Finding } from '../../schema/finding.ts';
import { FINDING_LEVELS, type FindingLevel, findingsAtOrAbove } from '../../schema/finding-constants.ts';
import type { RuleSet } from '../../transforms/detection/rule-set.ts';
import { type CliIo, repeatable, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { formatRows } from '../format-rows.ts';
import { openCliEventStore } from '../ingest-setup.ts';
import { type LakeOptions, openLakeOver, timeRangeOf } from '../open-lake.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

const DETECT_FORMATS = ['table', 'json', 'ocsf'] as const;
/** Without --since, analytics look at the last day (and the baseline before it). */
const ANALYTICS_DEFAULT_SINCE = '24h';

interface DetectOptions extends SharedOptionValues, LakeOptions {
  rules: string[];
  format: (typeof DETECT_FORMATS)[number];
  save?: boolean;
  analytics?: boolean;
  newIdentityChanges: string;
  newIdentityMinutes: string;
  baselineDays: string;
  burstRefusals: string;
  burstMinutes: string;
  alertWebhook?: string;
  alertLevel: FindingLevel;
}

export function registerDetect(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const analytics = DEFAULT_ANALYTICS_PARAMETERS;
  program
    .command('detect')
    .description(COMMAND_SUMMARIES.detect)
    .addOption(SHARED_OPTIONS.store())
    .option('--rules <path>', `Sigma rule file or directory, or ${BUILT_IN_RULES_NAME} for the pack (repeatable; default: the built-in pack)`, repeatable, [])
    .addOption(SHARED_OPTIONS.since())
    .addOption(SHARED_OPTIONS.until())
    .addOption(new Option('--format <format>', 'output: table, json (one finding per line) or ocsf (one OCSF Detection Finding per line)').choices(DETECT_FORMATS).default('table'))
    .option('--save', 'store the findings under findings/v1/ (findings already stored are not stored again)')
    .option('--analytics', `also run the behaviour analytics (window default: --since ${ANALYTICS_DEFAULT_SINCE})`)
    .option('--new-identity-changes <n>', 'analytics: changes that make a new identity suspicious', String(analytics.newIdentity.minChanges))
    .option('--new-identity-minutes <m>', 'analytics: ... within this many minutes', String(analytics.newIdentity.withinMinutes))
    .option('--baseline-days <d>', "analytics: days before the window that make an identity's known networks", String(analytics.newNetwork.baselineDays))
    .option('--burst-refusals <n>', 'analytics: 403 answers that make a burst', String(analytics.forbiddenBurst.minRefusals))
    .option('--burst-minutes <m>', 'analytics: ... within this many minutes', String(analytics.forbiddenBurst.withinMinutes))
    .option('--alert-webhook <url>', 'POST the findings at or above --alert-level as JSON to this URL')
    .addOption(new Option('--alert-level <level>', 'lowest level posted to --alert-webhook').choices(FINDING_LEVELS).default('informational'))
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  # the built-in pack over the last day of the default store',
        '  kaudit detect --since 24h',
        '',
        '  # your rules and the pack since a date, one finding per JSON line',
        '  kaudit detect --rules rules/ --rules built-in --since 2026-11-20 --format json',
        '',
        '  # the behaviour analytics too, the findings stored and the high ones posted to a webhook',
        '  kaudit detect --analytics --since 7d --save --alert-webhook https://hooks.example.com/kaudit --alert-level high',
        '',
        `The built-in pack reads ${SETTINGS.approvedNetworks} and ${SETTINGS.disabledRules}.`,
        exitStatusHelp({
          ok: 'done, with or without findings',
          usage: 'usage error, or a rule that does not load',
          failed: 'the store or the alert webhook failed: run it again (saved findings are not stored twice)',
        }),
      ].join('\n'),
    )
    .action(async (options: DetectOptions) => setExit(await detectCommand(options, io)));
}

async function detectCommand(options: DetectOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  // Analytics need a start: their baseline is measured back from it.
  const window = timeRangeOf({ since: options.since ?? (options.analytics ? ANALYTICS_DEFAULT_SINCE : undefined), until: options.until }, now);
  // Checked with or without --analytics: a bad value is a usage error either way.
  const parameters = analyticsParametersOf(options);
  const run = {
    rules: rulesOf(options, config, io),
    window,
    analytics: options.analytics ? parameters : null,
    now,
    onRuleFailure: (failure: { message: string }) => io.stderr.write(`kaudit: ${failure.message}\n`),
  };
  const webhook = options.alertWebhook === undefined ? null : webhookOf(options.alertWebhook);
  // From here a failure is the store's or the webhook's: exit 3, as every error that is not a UsageError.
  const { lake } = await openLakeOver(config, lakeRangeOfRun(run), io, now);
  let findings: Finding[];
  try {
    findings = await findingsOverLake(lake, run);
  } finally {
    lake.close();
  }
  io.stdout.write(formatFindings(findings, options.format));
  io.stderr.write(`kaudit: ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  if (options.save && findings.length > 0) await save(findings, config, io);
  if (webhook) await alert(findings, webhook, options.alertLevel, io);
  return EXIT.ok;
}

function analyticsParametersOf(options: DetectOptions) {
  const whole = (flag: string, text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1) throw new UsageError(`${flag}: expected a whole number of at least 1, got ${JSON.stringify(text)}`);
    return value;
  };
  return {
    newIdentity: { minChanges: whole('--new-identity-changes', options.newIdentityChanges), withinMinutes: whole('--new-identity-minutes', options.newIdentityMinutes) },
    newNetwork: { baselineDays: whole('--baseline-days', options.baselineDays) },
    forbiddenBurst: { minRefusals: whole('--burst-refusals', options.burstRefusals), withinMinutes: whole('--burst-minutes', options.burstMinutes) },
  };
}

function webhookOf(text: string): URL {
  try {
    return alertWebhookUrl(text);
  } catch (error) {
    throw new UsageError(`--alert-webhook: ${messageOf(error)}`);
  }
}

function rulesOf(options: DetectOptions, config: KauditConfig, io: CliIo): RuleSet {
  try {
    return loadConfiguredRules({
      paths: options.rules.length > 0 ? options.rules : [BUILT_IN_RULES_NAME],
      approvedNetworks: config.approvedNetworks,
      disabledRules: config.disabledRules,
      baseDir: io.cwd,
    });
  } catch (error) {
    if (error instanceof RulesRefusedError) throw new UsageError(`rules refused:\n${error.message}`);
    throw new UsageError(messageOf(error));
  }
}

const TABLE_COLUMNS = ['time', 'level', 'rule_title', 'user_name', 'verb', 'object_namespace', 'object_name', 'cluster_name', 'finding_id'] as const;

function formatFindings(findings: readonly Finding[], format: DetectOptions['format']): string {
  switch (format) {
    case 'json':
      return findings.map((finding) => `${JSON.stringify(finding)}\n`).join('');
    case 'ocsf':
      return findings.map((finding) => `${JSON.stringify(ocsfDetectionFinding(finding))}\n`).join('');
    case 'table':
      return formatRows({ columns: [...TABLE_COLUMNS], rows: findings.map((finding) => Object.fromEntries(TABLE_COLUMNS.map((column) => [column, finding[column]]))) }, 'table');
  }
}

async function save(findings: readonly Finding[], config: KauditConfig, io: CliIo): Promise<void> {
  const saved = await saveFindings(await openCliEventStore(config, io), findings);
  io.stderr.write(`kaudit: ${saved.written} findings saved, ${saved.duplicates} already stored\n`);
}

async function alert(findings: readonly Finding[], url: URL, level: FindingLevel, io: CliIo): Promise<void> {
  const posted = findingsAtOrAbove(findings, level);
  if (posted.length === 0) return;
  await postFindings(url, posted);
  io.stderr.write(`kaudit: ${posted.length} finding${posted.length === 1 ? '' : 's'} posted to the alert webhook\n`);
}
