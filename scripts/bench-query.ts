/**
 * `npm run bench:query [-- --events N] [--days D] [--repeats R] [--json]`: a generated lake of N
 * events over D days (default 1,000,000 over 7); the six dashboard query kinds through
 * `kaudit query` before and after `kaudit compact`, against DuckDB over a plain Parquet copy of the
 * same events, every one as a whole process; compaction's events/s and peak RSS; bytes per tier.
 *
 * `--compact-only [--hours H] [--runs R] [--lake DIR]`: compaction alone, R times over the same
 * lake of N events in H hours (`--hours 1`: one hour holding them all, to see memory as an hour
 * grows). `--lake DIR` keeps the generated lake there and reuses it on the next run.
 * A report, not a test: numbers vary by machine, nothing here fails on them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LakeQuery } from '../shared/query/lake-query.ts';
import { type CompactionRun, describeCompaction, forgetCompaction, runCompaction } from './bench/compaction-run.ts';
import { generateLake } from './bench/query-lake.ts';
import { median } from './bench/statistics.ts';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '7' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    'compact-only': { type: 'boolean', default: false },
    hours: { type: 'string' },
    runs: { type: 'string', default: '2' },
    lake: { type: 'string' },
  },
});
const EVENTS = Number(options.events);
const DAYS = Number(options.days);
const REPEATS = Number(options.repeats);
const KAUDIT = fileURLToPath(new URL('../bin/kaudit.mjs', import.meta.url));
const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}\n`);

const work = mkdtempSync(path.join(tmpdir(), 'kaudit-bench-query-'));
const lakeRoot = options.lake === undefined ? path.join(work, 'lake') : path.resolve(options.lake);
const copyFile = path.join(work, 'copy.parquet');
const baselineScript = path.join(work, 'duckdb-baseline.mjs');

try {
  if (options['compact-only']) await compactOnly();
  else await queryBenchmark();
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The dashboard query kinds before and after compaction, against DuckDB over a plain Parquet copy; compaction once. */
async function queryBenchmark(): Promise<void> {
  progress(`generating ${EVENTS} events over ${DAYS} days…`);
  const lake = await generateLake(lakeRoot, { events: EVENTS, days: DAYS, batchSize: 625, start: new Date('2026-11-16T00:00:00Z') });
  const thirdDay = new Date(Date.parse(`${lake.firstDay}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
  const nextDay = new Date(Date.parse(`${thirdDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const QUERIES: Record<string, string> = {
    'status-class counts': 'SELECT response_code // 100 AS class, count(*) AS n FROM events GROUP BY 1 ORDER BY 1',
    'group by user under a filter': "SELECT user_name, count(*) AS n FROM events WHERE verb IN ('create', 'update', 'patch', 'delete') GROUP BY 1 ORDER BY n DESC LIMIT 10",
    'drill-down, order and limit': "SELECT time, user_name, verb, object_namespace, object_name FROM events WHERE object_resource = 'secrets' ORDER BY time DESC LIMIT 50",
    'hourly timeline': "SELECT date_trunc('hour', time) AS hour_start, count(*) AS n FROM events GROUP BY 1 ORDER BY 1",
    'point lookup by audit_id': `SELECT event_id, time, verb FROM events WHERE audit_id = '${lake.someAuditId}'`,
    'one-day filter': `SELECT count(*) AS n FROM events WHERE time >= TIMESTAMP '${thirdDay}' AND time < TIMESTAMP '${nextDay}'`,
  };

  progress('making the plain Parquet copy (one row per event, zstd)…');
  const copy = await LakeQuery.open(lakeRoot);
  await copy.run(`COPY (SELECT * EXCLUDE (dt, hour) FROM events ORDER BY time) TO '${copyFile}' (FORMAT parquet, COMPRESSION zstd)`);
  copy.close();
  writeFileSync(
    baselineScript,
    `import { DuckDBInstance } from '${import.meta.resolve('@duckdb/node-api')}';
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("CREATE VIEW events AS SELECT * FROM read_parquet('${copyFile}')");
const reader = await connection.runAndReadAll(process.argv[2]);
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()).slice(0, 200) + '\\n');
`,
  );

  const kauditQuery = (sql: string) => timed(process.execPath, [KAUDIT, 'query', '--store', `file://${lakeRoot}`, '--format', 'json', sql]);
  const baseline = (sql: string) => timed(process.execPath, [baselineScript, sql]);

  progress('timing queries before compaction…');
  const before = timeQueries(QUERIES, kauditQuery);
  progress('compacting…');
  const compaction = runCompaction(KAUDIT, lakeRoot);
  progress('timing queries after compaction and DuckDB over the plain copy…');
  // Taken in turns, so that the machine's drift during the runs weighs on both sides of the ratio alike.
  const [after, duckdb] = timeQueriesInTurns(QUERIES, [kauditQuery, baseline]);

  const result = {
    machine: machine(),
    lake: { events: lake.events, days: DAYS, batches: lake.batches },
    bytes: { ndjsonGzip: bytesUnder(path.join(lakeRoot, 'events')), compactedParquet: bytesUnder(path.join(lakeRoot, 'compacted')), plainParquetCopy: statSync(copyFile).size },
    compaction,
    queries: Object.keys(QUERIES).map((kind) => ({
      kind,
      beforeMs: before[kind],
      afterMs: after[kind],
      duckdbMs: duckdb[kind],
      ratio: round((after[kind] ?? 0) / (duckdb[kind] ?? 1), 2),
    })),
  };
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : report(result));
}

/** Median wall milliseconds of each query as a whole process, after one warm-up run. */
function timeQueries(queries: Record<string, string>, run: (sql: string) => number): Record<string, number> {
  const [times] = timeQueriesInTurns(queries, [run]);
  return times;
}

/** As {@link timeQueries} for several runners, each repeat running every runner in turn. */
function timeQueriesInTurns<const R extends readonly ((sql: string) => number)[]>(queries: Record<string, string>, runners: R): { [K in keyof R]: Record<string, number> } {
  const times = runners.map(() => ({}) as Record<string, number>);
  for (const [kind, sql] of Object.entries(queries)) {
    for (const run of runners) run(sql);
    const samples = runners.map(() => [] as number[]);
    for (let repeat = 0; repeat < REPEATS; repeat++) runners.forEach((run, index) => samples[index]?.push(run(sql)));
    samples.forEach((sample, index) => {
      (times[index] as Record<string, number>)[kind] = Math.round(median(sample));
    });
  }
  return times as { [K in keyof R]: Record<string, number> };
}

function timed(command: string, args: string[]): number {
  const start = performance.now();
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - start;
}

/** Compaction alone, `--runs` times over one lake (generated, or the one `--lake` holds). */
async function compactOnly(): Promise<void> {
  const hours = Number(options.hours ?? DAYS * 24);
  if (existsSync(path.join(lakeRoot, 'events'))) progress(`reusing the lake in ${lakeRoot}`);
  else {
    progress(`generating ${EVENTS} events over ${hours} hours…`);
    await generateLake(lakeRoot, { events: EVENTS, days: hours / 24, batchSize: 625, start: new Date('2026-11-16T00:00:00Z') });
  }
  const runs: CompactionRun[] = [];
  for (let run = 1; run <= Number(options.runs); run++) {
    forgetCompaction(lakeRoot);
    progress(`compacting, run ${run}…`);
    runs.push(runCompaction(KAUDIT, lakeRoot));
    progress(describeCompaction(runs.at(-1) as CompactionRun));
  }
  const bytes = { ndjsonGzip: bytesUnder(path.join(lakeRoot, 'events')), compactedParquet: bytesUnder(path.join(lakeRoot, 'compacted')) };
  process.stdout.write(options.json ? `${JSON.stringify({ machine: machine(), hours, bytes, runs }, null, 2)}\n` : `${runs.map(describeCompaction).join('\n')}\n`);
}

function machine(): { cpus: number; model: string; node: string } {
  return { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version };
}

function bytesUnder(directory: string): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function report(result: {
  machine: { cpus: number; model: string; node: string };
  lake: { events: number; days: number; batches: number };
  bytes: Record<string, number>;
  compaction: CompactionRun;
  queries: { kind: string; beforeMs?: number; afterMs?: number; duckdbMs?: number; ratio: number }[];
}): string {
  const mb = (bytes: number | undefined) => `${((bytes ?? 0) / 1e6).toFixed(1)} MB`;
  const lines = [
    `Machine: ${result.machine.cpus} × ${result.machine.model}, Node ${result.machine.node}`,
    `Lake: ${result.lake.events} events over ${result.lake.days} days, ${result.lake.batches} batches`,
    `Bytes: NDJSON gzip ${mb(result.bytes.ndjsonGzip)}, compacted Parquet ${mb(result.bytes.compactedParquet)}, plain Parquet copy ${mb(result.bytes.plainParquetCopy)}`,
    `Compaction: ${describeCompaction(result.compaction)}`,
    '',
    '| query kind | kaudit query, before compaction | after compaction | DuckDB over a Parquet copy | after ÷ DuckDB |',
    '|---|--:|--:|--:|--:|',
    ...result.queries.map((query) => `| ${query.kind} | ${query.beforeMs} ms | ${query.afterMs} ms | ${query.duckdbMs} ms | ${query.ratio}× |`),
    '',
  ];
  return lines.join('\n');
}
