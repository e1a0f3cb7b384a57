import type { Command } from 'commander';
import { SETTINGS } from '../../core/settings.ts';
import { RulesRefusedError, readRuleFiles } from '../../pipeline/detection-rules.ts';
import { builtInRules } from '../../transforms/detection/built-in-pack.ts';
import { refusalMessage } from '../../transforms/detection/rule-refusal.ts';
import { compileRules } from '../../transforms/detection/rule-set.ts';
import type { CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';

export function registerRules(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const rules = program.command('rules').description(COMMAND_SUMMARIES.rules);
  rules
    .command('check')
    .description('load every rule as ingestion and kaudit detect would, and say what is wrong with each that does not load')
    .argument('<paths...>', 'rule files (.yml, .yaml) or directories of them')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  # every rule of a directory, before setting KAUDIT_RULES to it',
        '  kaudit rules check rules/',
        '',
        '  # one file and a directory',
        '  kaudit rules check rules/pod-exec.yml rules/secrets/',
        '',
        'Prints one line per rule that loads, and for each that does not its file and every problem (on stderr).',
        exitStatusHelp({ ok: 'every rule loads', usage: 'a rule or file was refused or could not be read' }),
      ].join('\n'),
    )
    .action((paths: string[]) => setExit(rulesCheckCommand(paths, io)));
}

/** `kaudit rules check PATH...`. */
function rulesCheckCommand(paths: string[], io: CliIo): number {
  let sources: ReturnType<typeof readRuleFiles>;
  try {
    sources = readRuleFiles(paths, io.cwd);
  } catch (error) {
    if (!(error instanceof RulesRefusedError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  const { rules, refusals } = compileRules(sources);
  const packIds = new Set(builtInRules().map((rule) => rule.id));
  for (const rule of rules.all) {
    const clash = packIds.has(rule.id.toLowerCase()) ? ` (the id of a built-in rule: run it with the pack only if that one is disabled in ${SETTINGS.disabledRules})` : '';
    io.stdout.write(`${rule.path}: ok, ${rule.level}, ${rule.title}${clash}\n`);
  }
  for (const refusal of refusals) io.stderr.write(`${refusalMessage(refusal)}\n`);
  const loaded = rules.all.length;
  io.stderr.write(`kaudit: ${loaded} of ${sources.length} rule${sources.length === 1 ? '' : 's'} loaded\n`);
  return refusals.length === 0 ? EXIT.ok : EXIT.usage;
}
