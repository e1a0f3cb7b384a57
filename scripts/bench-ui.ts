/**
 * `npm run bench:ui [-- --events N] [--days D] [--store DIR] [--repeats R]`: the dashboard in
 * headless Chromium over a lake of N events (default 1,000,000 over 7 days, generated into a
 * temporary directory unless --store names a lake directory): the time from navigation until
 * every panel is filled, and from submitting a search until its results are shown. A report, not
 * a test: numbers vary by machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LakeQuery } from '../shared/query/lake-query.ts';
import { startDashboard } from '../shared/ui/dashboard.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { writeDashboardLake } from './bench/dashboard-lake.ts';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '7' },
    store: { type: 'string' },
    repeats: { type: 'string', default: '5' },
  },
});
const SEARCH = 'responsestatus_code=403 and verb="list" groupby username';
const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${message}\n`);

const root = options.store ? path.resolve(options.store) : await mkdtemp(path.join(tmpdir(), 'kaudit-bench-ui-'));
if (!options.store) {
  const events = Number(options.events);
  progress(`writing ${events.toLocaleString('en')} events over ${options.days} days into ${root}…`);
  await writeDashboardLake(root, events, Number(options.days), new Date(), (done) => {
    if (done % 100_000 === 0) progress(`${done.toLocaleString('en')} events written`);
  });
}
const lake = await LakeQuery.open(root);
const server = await startDashboard({ lake, root, host: '127.0.0.1', port: 0, token: null, log: (line) => progress(line) });
const chromium = await launchChromium();
const page = await chromium.context.newPage();
const loaded = () => page.waitForSelector('body[data-loading="false"]', { timeout: 600_000 });
const panels: number[] = [];
const searches: number[] = [];
try {
  const { rows } = await lake.run('SELECT count(*) AS events FROM events');
  progress(`lake: ${rows[0]?.events} events; measuring ${options.repeats} times`);
  for (let repeat = 0; repeat < Number(options.repeats); repeat++) {
    let start = performance.now();
    await page.goto(`${server.url}?since=${options.days}d`);
    await loaded();
    panels.push(performance.now() - start);
    await page.fill('#q', SEARCH);
    start = performance.now();
    await page.press('#q', 'Enter');
    await loaded();
    searches.push(performance.now() - start);
  }
} finally {
  await chromium.close();
  await server.close();
  lake.close();
  if (!options.store) await rm(root, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const shown = (values: number[]) => `median ${median(values).toFixed(0)} ms (runs: ${values.map((value) => value.toFixed(0)).join(', ')})`;
process.stdout.write(`panels filled after navigation: ${shown(panels)}\nsearch answered (${SEARCH}): ${shown(searches)}\n`);
