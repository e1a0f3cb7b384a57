import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { fileErrorOf } from '../../core/errors.ts';
import { flushIntervalMsFromEnv } from '../../core/flush-interval.ts';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import { limitsFromEnv } from '../../core/limits.ts';
import { type CliIo, EXIT, readStream, repeatable, UsageError } from '../cli-io.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { InputFailure, ingestStream, streamProgress } from '../ingest-stream.ts';
import { checkReadable, openInputSource } from '../input-source.ts';

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
    .addHelpText(
      'after',
      '\nExit status: 0 all written or skipped by design, 1 something was quarantined, 2 usage error or unreadable input, 3 the store failed (run again: what was stored is found as duplicates).',
    )
    .action(async (inputs: string[], options: IngestOptions) => setExit(await ingestCommand(inputs, options, io)));
}

/**
 * `kaudit ingest`: checks every input can be opened (so a mistyped path stores nothing), then
 * streams each one, storing batch by batch as it is decoded.
 */
async function ingestCommand(inputs: string[], options: IngestOptions, io: CliIo): Promise<number> {
  const limits = limitsFromEnv(io.env);
  const flushMs = flushIntervalMsFromEnv(io.env);
  const ingestTime = new Date().toISOString();
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? null;
  for (const input of inputs) await checkReadable(input, io);
  const store = await openCliEventStore(options.store, io);
  const pipeline = await cliPipelineOptions(options.policy, io, options.rules);
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
    `${summary.skipped} skipped, ${summary.quarantined} quarantined${reasons ? ` (${reasons})` : ''}`
  );
}
