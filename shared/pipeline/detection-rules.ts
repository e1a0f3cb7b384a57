/**
 * The rules a deployment or a command evaluates: the built-in pack (tuned by its settings) and
 * rule files or inline rules. Every rule that does not load is reported at once, naming its file
 * and what is wrong, so that a bad rule stops a start, a synthesis or a command, never an event.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileErrorOf } from '../core/errors.ts';
import { SETTINGS } from '../core/settings.ts';
import { parseApprovedNetworks } from '../transforms/detection/approved-networks.ts';
import { builtInRules, compileBuiltInPack, parseDisabledRules } from '../transforms/detection/built-in-pack.ts';
import { refusalMessage } from '../transforms/detection/rule-refusal.ts';
import { compileRules, RuleSet, type RuleSource } from '../transforms/detection/rule-set.ts';

/** The word that names the built-in pack among rule paths (a file of that name is `./built-in`). */
export const BUILT_IN_RULES_NAME = 'built-in';
const RULE_FILE = /\.ya?ml$/i;

/** Thrown when rules do not load: one line per file refused. */
export class RulesRefusedError extends Error {
  override name = 'RulesRefusedError';
}

export interface RulesConfig {
  /** Rule files and directories, and `built-in` for the pack. */
  paths: readonly string[];
  /** Rules given as text (KAUDIT_RULES inline). */
  inline?: readonly RuleSource[];
  /** KAUDIT_APPROVED_NETWORKS and KAUDIT_DISABLED_RULES, for the pack. */
  approvedNetworks?: string | null;
  disabledRules?: string | null;
  baseDir: string;
}

/** Every rule of the configuration, compiled and indexed; throws {@link RulesRefusedError} naming each rule refused. */
export function loadConfiguredRules(config: RulesConfig): RuleSet {
  const builtIn = config.paths.includes(BUILT_IN_RULES_NAME);
  const files = readRuleFiles(
    config.paths.filter((entry) => entry !== BUILT_IN_RULES_NAME),
    config.baseDir,
  );
  const { rules, refusals } = compileRules([...files, ...(config.inline ?? [])]);
  const problems = refusals.map(refusalMessage);
  const pack = builtIn
    ? compileBuiltInPack({ approvedNetworks: parseApprovedNetworks(config.approvedNetworks), disabledRules: parseDisabledRules(config.disabledRules) })
    : new RuleSet([]);
  const packIds = new Set(builtInRules().map((rule) => rule.id));
  for (const rule of rules.all) {
    if (builtIn && packIds.has(rule.id.toLowerCase())) {
      problems.push(`${rule.path}: id ${rule.id} is a built-in rule's: give your copy its own id (and disable the built-in one with ${SETTINGS.disabledRules})`);
    }
  }
  if (problems.length > 0) throw new RulesRefusedError(problems.join('\n'));
  return new RuleSet([...pack.all, ...rules.all]);
}

/** The rule files of files and directories (a directory's `.yml` and `.yaml` files, in name order, subdirectories included). */
export function readRuleFiles(paths: readonly string[], baseDir: string): RuleSource[] {
  return paths.flatMap((given) => {
    const resolved = path.resolve(baseDir, given);
    try {
      if (!statSync(resolved).isDirectory()) return [{ path: given, text: readFileSync(resolved, 'utf8') }];
      const names = readdirSync(resolved, { recursive: true, encoding: 'utf8' })
        .filter((name) => RULE_FILE.test(name))
        .sort();
      if (names.length === 0) throw new RulesRefusedError(`${given}: a directory without rule files (.yml, .yaml)`);
      return names.map((name) => ({ path: path.join(given, name), text: readFileSync(path.join(resolved, name), 'utf8') }));
    } catch (error) {
      if (error instanceof RulesRefusedError) throw error;
      throw new RulesRefusedError(`${given}: cannot read: ${fileErrorOf(error)}`);
    }
  });
}

/**
 * KAUDIT_RULES: either rule paths separated by commas (`built-in,rules/`, relative to the
 * function's root), or the rules themselves: YAML documents separated by `---` lines (a
 * deployment template inlines its rule files so), recognised by holding a line break or starting
 * with `{` or `[`. A JSON list holds one rule object per entry, and may name the pack with the
 * text `built-in` (the deployment templates write this form).
 */
export function rulesSetting(setting: string | null | undefined): Pick<RulesConfig, 'paths' | 'inline'> {
  const value = (setting ?? '').trim();
  if (value === '') return { paths: [] };
  if (!value.includes('\n') && !/^[{[]/.test(value))
    return {
      paths: value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    };
  if (value.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      throw new RulesRefusedError(`${SETTINGS.rules}: starts with [ but is not a JSON list of rules`);
    }
    if (!Array.isArray(list)) throw new RulesRefusedError(`${SETTINGS.rules}: expected a JSON list of rules`);
    const inline = list.flatMap((rule, index) => (rule === BUILT_IN_RULES_NAME ? [] : [{ path: `${SETTINGS.rules}[${index}]`, text: JSON.stringify(rule) }]));
    return { paths: list.includes(BUILT_IN_RULES_NAME) ? [BUILT_IN_RULES_NAME] : [], inline };
  }
  const documents = value.split(/^---[ \t]*$/m).filter((text) => text.trim() !== '');
  return { paths: [], inline: documents.map((text, index) => ({ path: `${SETTINGS.rules} document ${index + 1}`, text })) };
}
