import { Option, type Command } from 'commander';
import { LakeQuery } from '../../query/lake-query.ts';
import { openObjectStore, resolveStoreUrl } from '../../store/open-store.ts';
import { resolveFileStoreUrl } from '../../store/file-object-store.ts';
import { EXIT, UsageError, type CliIo } from '../cli-io.ts';
import { ROW_FORMATS, formatRows, type RowFormat } from '../format-rows.ts';

export interface QueryOptions {
  store?: string;
  format: RowFormat;
}

export function registerQuery(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('query')
    .description('run DuckDB SQL over the views events (one row per event), events_all and quarantine')
    .argument('<sql>', 'SQL, e.g. "SELECT user_name, count(*) FROM events GROUP BY 1"')
    .option('--store <url>', 'store URL (default: $KAUDIT_STORE_URL or file://./kaudit-data)')
    .addOption(new Option('--format <format>', 'output format').choices(ROW_FORMATS).default('table'))
    .action(async (sql: string, options: QueryOptions) => setExit(await queryCommand(sql, options, io)));
}

export async function queryCommand(sql: string, options: QueryOptions, io: CliIo): Promise<number> {
  const objects = await openObjectStore(resolveFileStoreUrl(resolveStoreUrl(options.store, io.env), io.cwd));
  if (!objects.localRoot) throw new UsageError(`${objects.url}: querying this store kind is not supported`);
  const lake = await LakeQuery.open(objects.localRoot);
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
