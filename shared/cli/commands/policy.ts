import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { awsRegionOf, limitsOf } from '../../config/config-views.ts';
import { ConfigError } from '../../core/config-document.ts';
import { fileErrorOf } from '../../core/errors.ts';
import { normalizeRecord } from '../../normalize/normalize-record.ts';
import type { CanonicalEvent } from '../../schema/canonical-event.ts';
import { decodeInput } from '../../sources/input-formats.ts';
import type { CompiledPolicy } from '../../transforms/policy/compile-policy.ts';
import { type LoadedPolicy, loadPolicy } from '../../transforms/policy/load-policy.ts';
import { requestAttributesOf } from '../../transforms/policy/request-attributes.ts';
import { type CliIo, UsageError } from '../cli-io.ts';
import { commandConfig } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { readInput } from './ingest.ts';

interface PolicyEvalOptions extends SharedOptionValues {
  policy: string;
}

const CHECK_EXAMPLES = `
Examples:
  kaudit policy check policies/cost-saver.yaml`;

const EVAL_EXAMPLES = `
Examples:
  # what the policy decides for each event of an audit log
  kaudit policy eval --policy policies/cost-saver.yaml /var/log/kubernetes/audit.log

  # the events it would drop
  kaudit policy eval --policy policies/cost-saver.yaml audit.log | grep '"level":"None"'`;

export function registerPolicy(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const policy = program.command('policy').description(COMMAND_SUMMARIES.policy);
  policy
    .command('check')
    .description('validate a Policy as kube-apiserver does')
    .argument('<file>', 'Policy YAML or JSON')
    .addHelpText(
      'after',
      `${CHECK_EXAMPLES}\n${exitStatusHelp({ ok: 'valid (warnings on stderr)', usage: 'invalid or unreadable (one message per problem, naming the rule index)' })}`,
    )
    .action(async (file: string) => setExit(await policyCheckCommand(file, io)));
  policy
    .command('eval')
    .description('print the policy decision for each audit event, one JSON line each, in input order')
    .requiredOption('--policy <file>', 'Policy YAML or JSON')
    .argument('[events...]', 'audit events (JSON lines or EventList) or any envelope ingest reads; - or none for stdin')
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `${EVAL_EXAMPLES}\n${exitStatusHelp({ ok: 'every record evaluated', quarantined: 'some records were not audit events', usage: 'usage error, unreadable input or an invalid policy' })}`,
    )
    .action(async (events: string[], options: PolicyEvalOptions) => setExit(await policyEvalCommand(events, options, io)));
}

/** `kaudit policy check FILE`. */
async function policyCheckCommand(file: string, io: CliIo): Promise<number> {
  const loaded = await readPolicy(file, io);
  if ('problems' in loaded) {
    for (const problem of loaded.problems) io.stderr.write(`${file}: ${problem}\n`);
    return EXIT.usage;
  }
  for (const warning of loaded.warnings) io.stderr.write(`${file}: warning: ${warning}\n`);
  io.stdout.write(`${file}: valid audit policy, ${loaded.policy.ruleCount} rule${loaded.policy.ruleCount === 1 ? '' : 's'}\n`);
  return EXIT.ok;
}

/** `kaudit policy eval --policy FILE [EVENTS…|-]`. */
async function policyEvalCommand(inputs: string[], options: PolicyEvalOptions, io: CliIo): Promise<number> {
  const loaded = await readPolicy(options.policy, io);
  if ('problems' in loaded) throw new UsageError(`${options.policy}: ${loaded.problems.join('; ')}`);
  const config = await commandConfig(io, options.config);
  const limits = limitsOf(config);
  // Decoders need a region to name EKS clusters; the decisions printed here don't depend on it.
  const region = awsRegionOf(config) ?? 'unknown';
  let unreadable = 0;
  for (const input of inputs.length > 0 ? inputs : ['-']) {
    const decoded = decodeInput(await readInput(input, io), {
      name: input === '-' ? '-' : path.resolve(io.cwd, input),
      region,
      clusterName: null,
      clusterId: null,
      ingestTime: new Date().toISOString(),
      limits,
    });
    if ('error' in decoded) throw new UsageError(`${input}: ${decoded.error}`);
    let lines = '';
    for (const batch of decoded.batches) {
      unreadable += batch.quarantined.length;
      for (const record of batch.records) {
        const normalized = normalizeRecord(record);
        if (normalized.ok) lines += `${JSON.stringify(decisionLine(loaded.policy, normalized.event))}\n`;
        else unreadable++;
      }
    }
    io.stdout.write(lines);
  }
  if (unreadable === 0) return EXIT.ok;
  const what = unreadable === 1 ? '1 record was not an audit event' : `${unreadable} records were not audit events`;
  io.stderr.write(`kaudit: ${what}, so had no decision (kaudit ingest quarantines them, saying why)\n`);
  return EXIT.quarantined;
}

/** One line of `policy eval` output (docs/contracts.md#cli-policy-eval). */
function decisionLine(policy: CompiledPolicy, event: CanonicalEvent) {
  const decision = policy.evaluate(requestAttributesOf(event));
  return {
    audit_id: event.audit_id,
    stage: event.stage,
    level: decision.level,
    omit_stage: decision.omitStages.has(event.stage),
    omit_managed_fields: decision.omitManagedFields,
  };
}

async function readPolicy(file: string, io: CliIo): Promise<LoadedPolicy | { problems: readonly string[] }> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read: ${fileErrorOf(error)}`);
  }
  try {
    return loadPolicy(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}
