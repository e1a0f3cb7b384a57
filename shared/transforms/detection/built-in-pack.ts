/**
 * kaudit's built-in rule pack (pack/*.yml, carried as data by the generated module), compiled for
 * a deployment: without the rules it disables (KAUDIT_DISABLED_RULES), and with the
 * approved-networks rule compiled once per cluster that has approved networks
 * (KAUDIT_APPROVED_NETWORKS). A pack rule that does not load is a defect of kaudit, which the
 * pack's tests catch: here it throws.
 */
import { parse as parseYaml } from 'yaml';
import { SETTINGS } from '../../core/settings.ts';
import { type ApprovedNetworks, NO_APPROVED_NETWORKS } from './approved-networks.ts';
import { type CompiledRule, type LoadOptions, loadRule } from './load-rule.ts';
import { BUILT_IN_RULE_FILES } from './pack/built-in-rules.generated.ts';
import { BUILT_IN_PREFIX } from './rule-pack-module.ts';
import { refusalMessage } from './rule-refusal.ts';
import { RuleSet, type RuleSource } from './rule-set.ts';

const DISABLED_RULES_SETTING = SETTINGS.disabledRules;

/** The rule compiled per cluster, with the placeholders %cluster_name% and %approved_networks%. */
export const APPROVED_NETWORKS_RULE_PATH = `${BUILT_IN_PREFIX}write-from-unapproved-network.yml`;

export interface BuiltInPackOptions {
  /** Each cluster's approved networks: one instance of the approved-networks rule per cluster. */
  approvedNetworks?: ApprovedNetworks;
  /** Ids of pack rules not to load. */
  disabledRules?: ReadonlySet<string>;
}

interface PackRule {
  id: string;
  title: string;
  source: RuleSource;
}

// Parsed on first use, not at import: a function that runs no rules never pays for the pack's YAML.
let pack: readonly PackRule[] | undefined;
function packRules(): readonly PackRule[] {
  pack ??= BUILT_IN_RULE_FILES.map((source) => {
    const { id, title } = parseYaml(source.text) as { id: string; title: string };
    return { id, title, source };
  });
  return pack;
}

/** Each pack rule's id, title and path, in the pack's order: what a setting may disable. */
export function builtInRules(): { id: string; title: string; path: string }[] {
  return packRules().map(({ id, title, source }) => ({ id, title, path: source.path }));
}

/** The pack's rules for these options, in the pack's order, indexed for matching. */
export function compileBuiltInPack(options: BuiltInPackOptions = {}): RuleSet {
  const disabled = options.disabledRules ?? new Set<string>();
  const approvedNetworks = options.approvedNetworks ?? NO_APPROVED_NETWORKS;
  const rules = packRules().flatMap(({ id, source }) => {
    if (disabled.has(id)) return [];
    if (source.path !== APPROVED_NETWORKS_RULE_PATH) return [compileBuiltInRule(source)];
    // An event belongs to one cluster, so at most one instance fires on it: they share the rule's id.
    return [...approvedNetworks].map(([cluster, networks]) =>
      compileBuiltInRule(source, {
        placeholders: new Map([
          ['cluster_name', [cluster]],
          ['approved_networks', networks],
        ]),
      }),
    );
  });
  return new RuleSet(rules);
}

function compileBuiltInRule(source: RuleSource, options: LoadOptions = {}): CompiledRule {
  const loaded = loadRule(source.path, source.text, options);
  if (!loaded.ok) throw new Error(`built-in rule refused (a defect of kaudit): ${refusalMessage(loaded.refusal)}`);
  return loaded.rule;
}

/**
 * KAUDIT_DISABLED_RULES: pack rule ids separated by commas (spaces allowed). Unset or blank
 * disables nothing. An id that is no pack rule's throws, so that a typo does not leave a rule on.
 */
export function parseDisabledRules(setting: string | null | undefined): ReadonlySet<string> {
  const ids = (setting ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const known = new Set(builtInRules().map((rule) => rule.id));
  const unknown = ids.filter((id) => !known.has(id.toLowerCase()));
  if (unknown.length > 0) {
    throw new Error(
      `${DISABLED_RULES_SETTING}: ${unknown.map((id) => JSON.stringify(id)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not the id of a built-in rule (the ids are listed in docs/detections.md)`,
    );
  }
  return new Set(ids.map((id) => id.toLowerCase()));
}
