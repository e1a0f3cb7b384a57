import type { Command } from 'commander';
import { messageOf } from '../../core/errors.ts';
import { type CompiledSearch, compileSearch } from '../../query/search/compile-search.ts';
import { explainSearch } from '../../query/search/explain-search.ts';
import { parseSearch } from '../../query/search/search-parser.ts';
import { SearchSyntaxError } from '../../query/search/search-syntax-error.ts';
import type { TimeRange } from '../../query/time-range.ts';
import { type CliIo, StoreFailure, UsageError } from '../cli-io.ts';
import { commandConfig, flag } from '../command-config.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { EXIT, exitStatusHelp } from '../exit-codes.ts';
import { formatRows, type RowFormat } from '../format-rows.ts';
import { type LakeOptions, openLake, timeRangeOf } from '../open-lake.ts';
import { SHARED_OPTIONS, type SharedOptionValues } from '../shared-options.ts';

/** Events a query returns when `--limit` does not say: a screenful, newest first. */
export const DEFAULT_EVENT_LIMIT = 100;

interface SearchOptions extends SharedOptionValues, LakeOptions {
  format: RowFormat;
  limit?: string;
  explain?: boolean;
}

const EXAMPLES = `
Examples:
  # who was refused listing something, one row per user with a count
  kaudit search 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username'

  # what one service account was refused, as JSON lines
  kaudit search --format json 'responsestatus_code=403 and username="system:serviceaccount:default:demo"'

  # exec into pods during the last day, and the SQL it runs
  kaudit search --since 24h 'object_subresource = exec groupby username, namespace'
  kaudit search --explain 'object_subresource = exec'

A query without groupby returns events, newest first, ${DEFAULT_EVENT_LIMIT} unless --limit says; with
groupby, the group fields named as the query wrote them and count. The language: docs/search.md.
${exitStatusHelp({ ok: 'the search ran', usage: 'usage error; a query that does not compile points at its column', failed: 'the store could not be listed or read' })}`;

export function registerSearch(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('search')
    .description(COMMAND_SUMMARIES.search)
    .argument('<query>', 'e.g. \'responsestatus_code=403 and verb="list" groupby username\'')
    .addOption(SHARED_OPTIONS.store())
    .addOption(SHARED_OPTIONS.since())
    .addOption(SHARED_OPTIONS.until())
    .option('--limit <n>', `at most N rows (default: ${DEFAULT_EVENT_LIMIT} events; every group)`)
    .option('--explain', 'print the SQL and the values it binds instead of running it')
    .addOption(SHARED_OPTIONS.format())
    .addOption(SHARED_OPTIONS.config())
    .addHelpText('after', EXAMPLES)
    .action(async (query: string, options: SearchOptions) => setExit(await searchCommand(query, options, io)));
}

async function searchCommand(query: string, options: SearchOptions, io: CliIo): Promise<number> {
  const now = new Date();
  const compiled = compiledOf(query, timeRangeOf(options, now), limitOf(options.limit), io);
  if (compiled === null) return EXIT.usage;
  if (options.explain) {
    io.stdout.write(`${explainSearch(compiled)}\n`);
    return EXIT.ok;
  }
  const config = await commandConfig(io, options.config, { storeUrl: flag('--store', options.store) });
  const { lake, storeUrl } = await openLake(config, options, io, now);
  try {
    const result = await lake.run(compiled.sql, compiled.params).catch((error: unknown) => {
      throw new StoreFailure(`cannot read the lake of ${storeUrl}: ${messageOf(error).split('\n')[0]}`);
    });
    io.stdout.write(formatRows(result, options.format));
    return EXIT.ok;
  } finally {
    lake.close();
  }
}

/** The compiled query, or null when it does not compile (the reason and a caret under its column on stderr). */
function compiledOf(query: string, range: TimeRange, limit: number | null, io: CliIo): CompiledSearch | null {
  try {
    const grouped = parseSearch(query).groupBy.length > 0;
    return compileSearch(query, { view: 'events', since: range.since, until: range.until, limit: limit ?? (grouped ? null : DEFAULT_EVENT_LIMIT) });
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    io.stderr.write(`kaudit: search: ${error.message}\n${error.pointer}\n`);
    return null;
  }
}

function limitOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const limit = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive whole number, got ${JSON.stringify(text)}`);
  return limit;
}
