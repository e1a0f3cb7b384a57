import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { DecodedBatch } from '../../core/decoded-batch.ts';
import { fileErrorOf } from '../../core/errors.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { limitsFromEnv } from '../../core/limits.ts';
import { ingestBatch } from '../../pipeline/ingest-batch.ts';
import { decodeInput } from '../../sources/input-formats.ts';
import { type CliIo, EXIT, readStream, repeatable, UsageError } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';

interface IngestOptions {
  store?: string;
  region?: string;
  cluster?: string;
  policy?: string;
  rules: string[];
  json?: boolean;
}

export function registerIngest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('ingest')
    .description('ingest audit events from files (or - for stdin) into the store')
    .argument('<inputs...>', 'CloudWatch subscription event or payload, Event Hubs body (or array), EventList, or audit log (JSON lines)')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--region <region>', 'AWS region of EKS input (default: $AWS_REGION)')
    .option('--cluster <name>', 'cluster name (and id) of self-managed audit logs')
    .option('--policy <file>', 'audit Policy to re-apply before storing')
    .option('--rules <path>', 'Sigma rules to evaluate, storing findings: a file, a directory, or built-in for the pack (repeatable; default $KAUDIT_RULES)', repeatable, [])
    .option('--json', 'print the summary as one JSON object')
    .addHelpText('after', '\nExit status: 0 all written or skipped by design, 1 something was quarantined, 2 usage error or unreadable input.')
    .action(async (inputs: string[], options: IngestOptions) => setExit(await ingestCommand(inputs, options, io)));
}

/** `kaudit ingest`: decodes every input first (so unreadable input stores nothing), then stores. */
async function ingestCommand(inputs: string[], options: IngestOptions, io: CliIo): Promise<number> {
  const limits = limitsFromEnv(io.env);
  const ingestTime = new Date().toISOString();
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? null;
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
  const store = await openCliEventStore(options.store, io);
  const pipeline = await cliPipelineOptions(options.policy, io, options.rules);
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
