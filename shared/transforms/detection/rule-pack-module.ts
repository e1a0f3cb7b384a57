/**
 * The built-in rule pack as a TypeScript module: the text of every rule file in pack/, so that
 * the functions' bundles carry the rules without reading files at run time (and tsx, which cannot
 * import YAML, runs the same code). test/detection/rule-pack-module.test.ts regenerates the
 * module and fails when the one committed differs from the rule files.
 */
import type { RuleSource } from './rule-set.ts';

/** Where findings and refusals say a built-in rule comes from: `built-in/<file>`. */
export const BUILT_IN_PREFIX = 'built-in/';

/** The module's text for rule files given by name (`pod-exec.yml`) and text, in name order. */
export function renderRulePackModule(files: readonly { name: string; text: string }[]): string {
  const sources: RuleSource[] = [...files].sort((a, b) => (a.name < b.name ? -1 : 1)).map(({ name, text }) => ({ path: BUILT_IN_PREFIX + name, text }));
  const entries = sources.map((source) => `  { path: ${JSON.stringify(source.path)}, text: ${JSON.stringify(source.text)} },\n`).join('');
  return [
    '// Generated from the rule files of this folder by renderRulePackModule (../rule-pack-module.ts). Do not edit:',
    '// after changing a rule file, run `npx vitest run --project unit test/detection/rule-pack-module.test.ts -u`.',
    "import type { RuleSource } from '../rule-set.ts';",
    '',
    'export const BUILT_IN_RULE_FILES: readonly RuleSource[] = [',
    `${entries}];`,
    '',
  ].join('\n');
}
