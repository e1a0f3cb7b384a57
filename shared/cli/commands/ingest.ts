import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { awsRegionOf, limitsOf } from '../../config/config-views.ts';
import type { DecodedBatch } from '../../core/decoded-batch.ts';
import { fileErrorOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { decodeInput } from '../../sources/input-formats.ts';
import { type CliIo, readStream, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

interface IngestOptions extends SharedOptionValues {
  cluster?: string;
}

const EXAMPLES = `
Examples:
  # an EKS subscription event saved from CloudWatch Logs, into the default store ./kaudit-data
  kaudit ingest --region eu-west-1 eks-subscription-event.json

  # a self-managed cluster's audit log, gzip included, with the cost-saver policy, into S3
  kaudit ingest --cluster onprem-prod --policy policies/cost-saver.yaml --store s3://audit-lake/k8s /var/log/kubernetes/audit.log.gz

  # an AKS Event Hubs body from stdin, summary as JSON
  cat eventhub-body.json | kaudit ingest --json -`;

export function registerIngest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('ingest')
    .description('ingest audit events from files (or - for stdin) into the store')
    .argument('<inputs...>', 'CloudWatch subscription event or payload, Event Hubs body (or array), EventList, or audit log (JSON lines)')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.awsRegion('AWS region of EKS input'))
    .option('--cluster <name>', 'cluster name (and id) of self-managed audit logs')
    .addOption(SHARED_OPTIONS.policy())
    .addOption(SHARED_OPTIONS.json())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', `${EXAMPLES}\n${exitStatusHelp({ ok: true, quarantined: true, usage: 'usage error or unreadable input: nothing stored', failed: true })}`)
    .action(async (inputs: string[], options: IngestOptions) => setExit(await ingestCommand(inputs, options, io)));
}

/** `kaudit ingest`: decodes every input first (so unreadable input stores nothing), then stores. */
async function ingestCommand(inputs: string[], options: IngestOptions, io: CliIo): Promise<number> {
  const config = await commandConfig(io, options.config, {
    storeUrl: flag('--store', options.store),
    awsRegion: flag('--region', options.region),
    policy: flag('--policy', options.policy),
  });
  const limits = limitsOf(config);
  const ingestTime = new Date().toISOString();
  const region = awsRegionOf(config);
  const decoded: DecodedBatch[] = [];
  for (const input of inputs) {
    const data = await readInput(input, io);
    const result = decodeInput(data, {
      name: input === '-' ? '-' : path.resolve(io.cwd, input),
      region,
      clusterName: options.cluster ?? null,
      clusterId: options.cluster ?? null,
      ingestTime,
      limits,
    });
    if ('error' in result) throw new UsageError(`${input}: ${result.error}`);
    decoded.push(...result.batches);
  }
  const store = await openCliEventStore(config, io);
  const pipeline = await cliPipelineOptions(config, io);
  const summary = emptySummary();
  const progress = decoded.length > 1 && (io.stderr as { isTTY?: boolean }).isTTY === true;
  for (const [index, batch] of decoded.entries()) {
    if (progress) io.stderr.write(`\rkaudit: batch ${index + 1}/${decoded.length}`);
    addSummary(summary, await ingestBatch(batch, store, pipeline));
  }
  if (progress) io.stderr.write('\n');
  io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary)}\n`);
  return summary.quarantined > 0 ? EXIT.quarantined : EXIT.ok;
}

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
    `${summary.skipped} skipped, ${summary.quarantined} quarantined${reasons ? ` (${reasons})` : ''}`
  );
}
