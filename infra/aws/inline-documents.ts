import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { SETTINGS } from '../../shared/core/settings.ts';
import { BUILT_IN_RULES_NAME, loadConfiguredRules, readRuleFiles } from '../../shared/pipeline/detection-rules.ts';
import { loadPolicy } from '../../shared/transforms/policy/load-policy.ts';
import { loadRedactionRules } from '../../shared/transforms/redaction/redaction-config.ts';

/**
 * Lambda refuses a function whose environment variables, names and values together, take more
 * than 4 KB. The documents may take 3 KB of it; the rest is for the store URL, the lake key's ARN
 * and, on the webhook function, the name of its tokens secret.
 */
export const INLINE_DOCUMENTS_BUDGET_BYTES = 3 * 1024;

export interface DocumentFiles {
  /** An audit Policy file (YAML or JSON). */
  auditPolicyFile?: string;
  /** A redaction paths file (YAML or JSON, docs/policy.md). */
  redactionPathsFile?: string;
  /** Detection rules: `built-in` for the pack, and local rule files or directories. */
  rules?: readonly string[];
  /** Each cluster's approved networks, for the pack's approved-networks rule. */
  approvedNetworks?: Readonly<Record<string, readonly string[]>>;
  /** Pack rule ids not to evaluate. */
  disabledRules?: readonly string[];
}

/**
 * `KAUDIT_POLICY` and `KAUDIT_REDACTION_PATHS` from local files, paths relative to the working
 * directory. A Lambda bundle is one module with no room for extra files, so each document is read
 * and validated at synthesis (a bad one fails `cdk synth`, not a cold start) and passed inline.
 */
export function inlineDocumentSettings(files: DocumentFiles): Record<string, string> {
  const settings: Record<string, string> = {};
  if (files.auditPolicyFile) settings[SETTINGS.policy] = inlineDocument(files.auditPolicyFile, loadPolicy);
  if (files.redactionPathsFile) settings[SETTINGS.redactionPaths] = inlineDocument(files.redactionPathsFile, loadRedactionRules);
  Object.assign(settings, ruleSettings(files));
  const size = Object.entries(settings).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (size > INLINE_DOCUMENTS_BUDGET_BYTES) {
    throw new Error(
      `the audit policy, redaction paths and detection rules take ${size} bytes as Lambda environment variables, more than the ${INLINE_DOCUMENTS_BUDGET_BYTES} kaudit allows them of Lambda's 4 KB: shorten them`,
    );
  }
  return settings;
}

/**
 * The document as one line of JSON: JSON is YAML, so the function reads the same document, and a
 * value starting with `{` or `[` is taken as inline text rather than a path. Comments and
 * indentation, often half of a policy file, do not count against the 4 KB.
 */
function inlineDocument(file: string, validate: (text: string, source: string) => unknown): string {
  const path = resolve(file);
  const text = readFileSync(path, 'utf8');
  validate(text, path);
  return JSON.stringify(parse(text));
}

/**
 * KAUDIT_RULES (and the pack's two settings): `built-in` names the pack, which the bundle carries;
 * rule files are inlined as a JSON list. Every rule is loaded here, as the function will load it,
 * so a rule that does not load fails `cdk synth` instead of a cold start.
 */
function ruleSettings(files: DocumentFiles): Record<string, string> {
  const paths = files.rules ?? [];
  const approvedNetworks = files.approvedNetworks && Object.keys(files.approvedNetworks).length > 0 ? JSON.stringify(files.approvedNetworks) : null;
  const disabledRules = files.disabledRules && files.disabledRules.length > 0 ? files.disabledRules.join(',') : null;
  if (paths.length === 0) {
    if (approvedNetworks || disabledRules) throw new Error('approvedNetworks and disabledRules tune the built-in rules: add built-in to rules');
    return {};
  }
  const builtIn = paths.includes(BUILT_IN_RULES_NAME);
  const sources = readRuleFiles(
    paths.filter((path) => path !== BUILT_IN_RULES_NAME),
    process.cwd(),
  );
  loadConfiguredRules({ paths: builtIn ? [BUILT_IN_RULES_NAME] : [], inline: sources, approvedNetworks, disabledRules, baseDir: process.cwd() });
  const inline = sources.map((source) => parse(source.text) as unknown);
  const settings: Record<string, string> = { [SETTINGS.rules]: inline.length > 0 ? JSON.stringify(builtIn ? [BUILT_IN_RULES_NAME, ...inline] : inline) : BUILT_IN_RULES_NAME };
  if (approvedNetworks) settings[SETTINGS.approvedNetworks] = approvedNetworks;
  if (disabledRules) settings[SETTINGS.disabledRules] = disabledRules;
  return settings;
}
