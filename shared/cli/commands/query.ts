import type { Command } from 'commander';
import { LakeViewError } from '../../query/lake-query.ts';
import { type CliIo, StoreFailure, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { formatRows, type RowFormat } from '../format-rows.ts';
import { type LakeOptions, openLake } from '../open-lake.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

interface QueryOptions extends SharedOptionValues, LakeOptions {
  format: RowFormat;
}

const EXAMPLES = `
Examples:
  # forbidden requests by user, across every cluster in the default store
  kaudit query "SELECT user_name, count(*) AS n FROM events WHERE outcome = 'failure' GROUP BY ALL ORDER BY n DESC"

  # the last day of an S3 lake, as CSV
  kaudit query --store s3://audit-lake/k8s --since 24h --format csv "SELECT time, verb, object_resource FROM events"

  # why records were quarantined, one JSON object per row
  kaudit query --format json "SELECT reason, count(*) AS n FROM quarantine GROUP BY reason"

Cloud stores (s3://, azblob://) are queried through a local cache of the partitions in range:
$KAUDIT_CACHE_DIR, default ./.kaudit-cache.`;

export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('query')
    .description(COMMAND_SUMMARIES.query)
    .argument('<sql>', 'SQL, e.g. "SELECT user_name, count(*) FROM events GROUP BY 1"')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.since())
    .addOption(SHARED_OPTIONS.until())
    .addOption(SHARED_OPTIONS.format())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText(
      'after',
      `${EXAMPLES}\n${exitStatusHelp({ ok: 'the query ran', usage: 'usage error, a bad time, or SQL DuckDB refuses', failed: 'the store could not be listed or read' })}`,
    )
    .action(async (sql: string, options: QueryOptions) => setExit(await queryCommand(sql, options, io)));
}

async function queryCommand(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  const { lake, storeUrl } = await openLake(config, options, io, new Date());
  try {
    const result = await lake.run(sql).catch((error: Error) => {
      if (error instanceof LakeViewError) throw new StoreFailure(`cannot read the lake of ${storeUrl}: ${error.message}`);
      throw new UsageError(`query failed: ${error.message.split('\n')[0]}`);
    });
    io.stdout.write(formatRows(result, options.format));
    return EXIT.ok;
  } finally {
    lake.close();
  }
}
