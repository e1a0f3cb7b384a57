import { type Command, Option } from 'commander';
import { type CliIo, EXIT, UsageError } from '../cli-io.ts';
import { formatRows, ROW_FORMATS, type RowFormat } from '../format-rows.ts';
import { type LakeOptions, openLake } from '../open-lake.ts';

interface QueryOptions extends LakeOptions {
  format: RowFormat;
}

export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('query')
    .description('run DuckDB SQL over the views events (one row per event), events_all, quarantine and events_ocsf')
    .argument('<sql>', 'SQL, e.g. "SELECT user_name, count(*) FROM events GROUP BY 1"')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .option('--since <time>', 'only events at or after TIME: ISO-8601 (UTC unless it says otherwise) or a duration ago (24h, 7d)')
    .option('--until <time>', 'only events before TIME')
    .addOption(new Option('--format <format>', 'output format').choices(ROW_FORMATS).default('table'))
    .addHelpText('after', '\nCloud stores (s3://, azblob://) are queried through a local cache of the partitions in range:\n$KAUDIT_CACHE_DIR, default ./.kaudit-cache.')
    .action(async (sql: string, options: QueryOptions) => setExit(await queryCommand(sql, options, io)));
}

async function queryCommand(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  const { lake } = await openLake(options, io, new Date());
  try {
    const result = await lake.run(sql).catch((error: Error) => {
      throw new UsageError(`query failed: ${error.message.split('\n')[0]}`);
    });
    io.stdout.write(formatRows(result, options.format));
    return EXIT.ok;
  } finally {
    lake.close();
  }
}
