import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KauditConfig } from '../config/settings-schema.ts';
import { fileErrorOf } from '../core/errors.ts';
import { SETTINGS } from '../core/settings.ts';
import type { RuleEvaluationError } from '../transforms/detection/rule-set.ts';
import { extrasRedaction, parseRedactionExtras } from '../transforms/redaction/redaction-extras.ts';
import { BUILTIN_REDACTIONS } from '../transforms/redaction/redaction-rules.ts';
import { createRedactor, redactionTransform } from '../transforms/redaction/redactor.ts';
import { quarantineScrubber } from '../transforms/redaction/scrub-quarantine.ts';
import type { EventTransform } from '../transforms/transform.ts';
import type { PipelineOptions } from './ingest-batch.ts';

/** How ingestion is configured, wherever it runs: the part of the configuration the pipeline's transforms read. */
export interface PipelineConfig {
  /** An audit Policy: a file path or inline YAML. */
  policy?: string | null;
  /** `on` (default) or `off`. */
  redaction?: 'on' | 'off' | null;
  /** More fields to redact, per resource: a file path or inline YAML (see docs/redaction.md). */
  redactionPaths?: string | null;
  /** Redactions beyond the built-in fields, on or off by name (see docs/redaction.md). */
  redactionExtras?: string | null;
  /** Detection rules: `built-in` and rule paths, comma-separated, or inline rules (KAUDIT_RULES); none: no detection. */
  rules?: string | null;
  /** Rule files and directories (and `built-in`), given instead of {@link rules} (`kaudit ingest --rules`). */
  rulePaths?: readonly string[];
  /** KAUDIT_APPROVED_NETWORKS and KAUDIT_DISABLED_RULES, for the built-in pack. */
  approvedNetworks?: string | null;
  disabledRules?: string | null;
  /** Told of each rule that throws on an event; by default a JSON line on stderr (the functions' log). */
  onRuleFailure?: (failure: RuleEvaluationError) => void;
  /** What relative file paths resolve against (default: the working directory; Lambda's is the bundle root). */
  baseDir?: string;
}

/** The pipeline's part of the configuration; relative paths resolve against `baseDir` (default: the working directory). */
export function pipelineConfigOf(config: KauditConfig, baseDir?: string): PipelineConfig {
  return {
    policy: config.policy,
    redaction: config.redaction,
    redactionPaths: config.redactionPaths,
    redactionExtras: config.redactionExtras,
    rules: config.rules,
    approvedNetworks: config.approvedNetworks,
    disabledRules: config.disabledRules,
    ...(baseDir === undefined ? {} : { baseDir }),
  };
}

/**
 * The pipeline's steps after normalization, built once from configuration: the policy first (it
 * drops whole events and bodies, leaving less to redact), then redaction, which also scrubs the
 * raw text of quarantine records; then the detection rules, which see events as they are stored.
 * Rejects configuration that cannot be used, a rule that does not load included.
 *
 * The policy and redaction-config modules (with the YAML parser and their schemas) are imported
 * only when configured, so a function without them starts sooner (docs/performance.md#code-choices).
 */
export async function buildPipelineOptions(config: PipelineConfig): Promise<PipelineOptions> {
  const baseDir = config.baseDir ?? process.cwd();
  const transforms: EventTransform[] = [];
  if (config.policy) {
    const { text, source } = documentText(config.policy, baseDir, 'policy');
    const [{ loadPolicy }, { policyTransform }] = await Promise.all([import('../transforms/policy/load-policy.ts'), import('../transforms/policy/apply-policy.ts')]);
    transforms.push(policyTransform(loadPolicy(text, source).policy));
  }
  if (config.redaction === 'off') {
    for (const [setting, value] of [
      [SETTINGS.redactionPaths, config.redactionPaths],
      [SETTINGS.redactionExtras, config.redactionExtras],
    ] as const) {
      if (value) throw new Error(`${setting} is set, but ${SETTINGS.redaction} is off: nothing would be redacted`);
    }
    return { transforms, detector: await buildDetector(config, baseDir) };
  }
  const extras = extrasRedaction(parseRedactionExtras(config.redactionExtras));
  const paths = config.redactionPaths ? documentText(config.redactionPaths, baseDir, 'redaction paths') : null;
  const userRules = paths ? (await import('../transforms/redaction/redaction-config.ts')).loadRedactionRules(paths.text, paths.source).value : [];
  const redactor = createRedactor([...BUILTIN_REDACTIONS, ...extras.rules, ...userRules], extras.options);
  transforms.push(redactionTransform(redactor));
  return { transforms, quarantineTransform: quarantineScrubber(redactor), detector: await buildDetector(config, baseDir) };
}

/** The detector of the configured rules; none when no rules are configured (the pack's settings then have nothing to tune). */
async function buildDetector(config: PipelineConfig, baseDir: string): Promise<PipelineOptions['detector']> {
  if (!config.rules?.trim() && !config.rulePaths?.length) {
    for (const [setting, value] of [
      [SETTINGS.approvedNetworks, config.approvedNetworks],
      [SETTINGS.disabledRules, config.disabledRules],
    ] as const) {
      if (value) throw new Error(`${setting} is set, but ${SETTINGS.rules} is not: no rules are evaluated`);
    }
    return undefined;
  }
  // Imported only when rules are configured: the pack's module parses its rules when loaded.
  const [{ loadConfiguredRules, rulesSetting }, { detectionTransform }] = await Promise.all([
    import('./detection-rules.ts'),
    import('../transforms/detection/detection-transform.ts'),
  ]);
  const rules = config.rulePaths?.length ? { paths: config.rulePaths } : rulesSetting(config.rules);
  const ruleSet = loadConfiguredRules({ ...rules, approvedNetworks: config.approvedNetworks, disabledRules: config.disabledRules, baseDir });
  return detectionTransform(ruleSet, { onFailure: config.onRuleFailure ?? logRuleFailure });
}

/** A failure as one JSON line, naming rule and event only: the functions' logs, their metric filter (AWS) and log alert (Azure) read it. */
export function ruleFailureLine(failure: RuleEvaluationError): string {
  return JSON.stringify({ level: 'ERROR', message: failure.message, ruleEvaluationFailed: 1, ruleId: failure.rule.id });
}

/** The failure's line on stderr: the Lambda functions' log. */
export function logRuleFailure(failure: RuleEvaluationError): void {
  process.stderr.write(`${ruleFailureLine(failure)}\n`);
}

/**
 * A setting holds either a document or the path of a file with one. A path is one line; a
 * document has several lines, or is JSON / YAML flow (`{…}`, `[…]`) on one.
 */
function documentText(setting: string, baseDir: string, what: string): { text: string; source: string } {
  if (setting.includes('\n') || /^\s*[{[]/.test(setting)) return { text: setting, source: `inline ${what}` };
  const file = path.resolve(baseDir, setting.trim());
  try {
    return { text: readFileSync(file, 'utf8'), source: file };
  } catch (error) {
    throw new Error(`${what} ${file}: cannot read: ${fileErrorOf(error)} (give a file path, or the document itself)`);
  }
}
