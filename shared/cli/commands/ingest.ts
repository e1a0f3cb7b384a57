import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { awsRegionOf, limitsOf } from '../../config/config-views.ts';
import { fileErrorOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { type CliIo, readStream, repeatable, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { InputFailure, ingestStream, streamProgress } from '../ingest-stream.ts';
import { checkReadable, openInputSource } from '../input-source.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

interface IngestOptions extends SharedOptionValues {
  cluster?: string;
  rules: string[];
}

const EXAMPLES = `
Examples:
  # an EKS subscription event saved from CloudWatch Logs, into the default store ./kaudit-data
  kaudit ingest --region eu-west-1 eks-subscription-event.json

  # a self-managed cluster's audit log, gzip included, with the cost-saver policy, into S3
  kaudit ingest --cluster onprem-prod --policy policies/cost-saver.yaml --store s3://audit-lake/k8s /var/log/kubernetes/audit.log.gz

  # an AKS Event Hubs body from stdin, summary as JSON
  cat eventhub-body.json | kaudit ingest --json -

  # a growing audit log from a pipe, stored every $KAUDIT_FLUSH_SECONDS, with the built-in detection rules
  tail -F /var/log/kubernetes/audit.log | kaudit ingest --cluster onprem-prod --rules built-in -`;

export function registerIngest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('ingest')
    .description(COMMAND_SUMMARIES.ingest)
    .argument('<inputs...>', 'CloudWatch subscription event or payload, Event Hubs body (or array), EventList, or audit log (JSON lines)')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.awsRegion('AWS region of EKS input'))
    .option('--cluster <name>', 'cluster name (and id) of self-managed audit logs')
    .addOption(SHARED_OPTIONS.policy())
    .option('--rules <path>', 'Sigma rules to evaluate, storing findings: a file, a directory, or built-in for the pack (repeatable; default $KAUDIT_RULES)', repeatable, [])
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `${EXAMPLES}\n${exitStatusHelp({ ok: true, quarantined: true, usage: 'usage error or unreadable input: that input stops there, what was stored before it is in the summary', failed: 'the store failed: run again, what was stored is found as duplicates' })}`,
    )
    .action(async (inputs: string[], options: IngestOptions) => setExit(await ingestCommand(inputs, options, io)));
}

/**
 * `kaudit ingest`: checks every input can be opened (so a mistyped path stores nothing), then
 * streams each one, storing batch by batch as it is decoded.
 */
async function ingestCommand(inputs: string[], options: IngestOptions, io: CliIo): Promise<number> {
  const config = await commandConfig(io, options.config, {
    storeUrl: flag('--store', options.store),
    awsRegion: flag('--region', options.region),
    policy: flag('--policy', options.policy),
  });
  const limits = limitsOf(config);
  const flushMs = Math.round(config.flushSeconds * 1000);
  const ingestTime = new Date().toISOString();
  const region = awsRegionOf(config);
  for (const input of inputs) await checkReadable(input, io);
  const store = await openCliEventStore(config, io);
  const pipeline = await cliPipelineOptions(config, io, options.rules);
  const summary = emptySummary();
  const progress = streamProgress(io.stderr);
  const print = () => io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary)}\n`);
  for (const input of inputs) {
    const source = await openInputSource(input, io);
    const context = {
      name: input === '-' ? '-' : path.resolve(io.cwd, input),
      region,
      clusterName: options.cluster ?? null,
      clusterId: options.cluster ?? null,
      ingestTime,
      limits,
    };
    const stored = (batch: IngestSummary) => {
      addSummary(summary, batch);
      progress?.update(source, summary.received);
    };
    try {
      await ingestStream(source, { store, pipeline, context, flushMs: source.size === null ? flushMs : null, stored });
    } catch (error) {
      if (!(error instanceof InputFailure)) throw error;
      progress?.done();
      // What was stored before the failure is reported, and found as duplicates by a run after the fix.
      if (summary.received > 0) print();
      io.stderr.write(`kaudit: ${input}: ${error.message}${summary.received > 0 ? '; what was stored before it is in the summary' : ''}\n`);
      return error.exitCode;
    }
  }
  progress?.done();
  print();
  return summary.quarantined > 0 ? EXIT.quarantined : EXIT.ok;
}

/** An input read whole: for commands that need all of it at once (`kaudit policy eval`). */
export async function readInput(input: string, io: CliIo): Promise<Buffer> {
  try {
    return input === '-' ? await readStream(io.stdin) : await readFile(path.resolve(io.cwd, input));
  } catch (error) {
    throw new UsageError(`${input}: cannot read: ${fileErrorOf(error)}`);
  }
}

export function describeSummary(summary: IngestSummary): string {
  const reasons = Object.entries(summary.reasons)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return (
    `${summary.received} received: ${summary.written} written, ${summary.duplicates} duplicates, ` +
    `${summary.skipped} skipped, ${summary.quarantined} quarantined${reasons ? ` (${reasons})` : ''}` +
    (summary.findings === undefined ? '' : `; ${summary.findings} findings`)
  );
}
