import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KauditConfig } from '../config/settings-schema.ts';
import { fileErrorOf } from '../core/errors.ts';
import { SETTINGS } from '../core/settings.ts';
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
    ...(baseDir === undefined ? {} : { baseDir }),
  };
}

/**
 * The pipeline's steps after normalization, built once from configuration: the policy first (it
 * drops whole events and bodies, leaving less to redact), then redaction, which also scrubs the
 * raw text of quarantine records. Rejects configuration that cannot be used.
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
    return { transforms };
  }
  const extras = extrasRedaction(parseRedactionExtras(config.redactionExtras));
  const paths = config.redactionPaths ? documentText(config.redactionPaths, baseDir, 'redaction paths') : null;
  const userRules = paths ? (await import('../transforms/redaction/redaction-config.ts')).loadRedactionRules(paths.text, paths.source).value : [];
  const redactor = createRedactor([...BUILTIN_REDACTIONS, ...extras.rules, ...userRules], extras.options);
  transforms.push(redactionTransform(redactor));
  return { transforms, quarantineTransform: quarantineScrubber(redactor) };
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
