import path from 'node:path';
import type { Command } from 'commander';
import { limitsOf } from '../../config/config-views.ts';
import { messageOf } from '../../core/errors.ts';
import { followAuditLog } from '../../sources/audit-log/log-follower.ts';
import { tailCheckpointFile } from '../../sources/audit-log/tail-checkpoint.ts';
import type { CliIo } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { cliPipelineOptions, openCliEventStore } from '../ingest-setup.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';
import { untilTerminated } from '../signals.ts';
import { describeSummary } from './ingest.ts';

interface TailOptions extends SharedOptionValues {
  cluster: string;
  checkpoint: string;
}

/** How often the file is looked at when there is nothing new to read. */
const POLL_MS = 250;
/** Store retries wait from this long, doubling, up to a minute. */
const RETRY_DELAYS_MS = { first: 1000, most: 60_000 };

const EXAMPLES = `
Examples:
  # on a control-plane node of a kubeadm cluster
  kaudit tail /var/log/kubernetes/audit/audit.log --cluster prod-dc1 \\
    --store s3://audit-lake/k8s --checkpoint /var/lib/kaudit/audit.log.checkpoint.json

Follows the file through rotation by rename (--audit-log-maxsize, --audit-log-compress included)
and by copy and truncate (logrotate copytruncate), and waits for a file that does not exist yet.
Batches are stored at least every KAUDIT_FLUSH_SECONDS (default 5) or every 8 MB of lines; the
checkpoint is saved only once the lines it covers are stored, and a restart resumes from it.
SIGTERM or SIGINT: stores what is held, saves the checkpoint, prints the summary and exits 0.
A failing store is retried, waiting up to a minute between attempts.
${exitStatusHelp({
  ok: 'stopped by SIGTERM or SIGINT, everything read stored',
  usage: true,
  failed: 'the store still failed when stopping: the checkpoint stays before what was not stored, a restart stores it',
})}`;

export function registerTail(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('tail')
    .description(COMMAND_SUMMARIES.tail)
    .argument('<path>', 'the file --audit-log-path names, e.g. /var/log/kubernetes/audit/audit.log')
    .requiredOption('--cluster <name>', 'cluster name (and id) recorded on every event')
    .addOption(SHARED_OPTIONS.store())
    .option('--checkpoint <file>', 'where to keep how far the file is stored', 'kaudit-tail.checkpoint.json')
    .addOption(SHARED_OPTIONS.policy())
    .addOption(SHARED_OPTIONS.json('print the summary as one JSON object when stopped'))
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: TailOptions) => setExit(await tailCommand(file, options, io)));
}

async function tailCommand(file: string, options: TailOptions, io: CliIo): Promise<number> {
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store), policy: flag('--policy', options.policy) });
  const limits = limitsOf(config);
  const flushMs = Math.round(config.flushSeconds * 1000);
  const store = await openCliEventStore(config, io);
  const pipeline = await cliPipelineOptions(config, io);
  const stop = untilTerminated();
  try {
    const summary = await followAuditLog({
      path: path.resolve(io.cwd, file),
      checkpoint: tailCheckpointFile(path.resolve(io.cwd, options.checkpoint)),
      clusterName: options.cluster,
      limits,
      store,
      pipeline,
      flushMs,
      pollMs: POLL_MS,
      signal: stop,
      retryDelaysMs: RETRY_DELAYS_MS,
      note: (message) => io.stderr.write(`kaudit tail: ${message}\n`),
    });
    io.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${describeSummary(summary)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!stop.aborted) throw error;
    io.stderr.write(`kaudit: tail ${file}: stopped with lines not stored: ${messageOf(error)}\n`);
    return EXIT.failed;
  }
}
