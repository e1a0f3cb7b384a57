/**
 * `npm run screenshots:ui`: PNGs of the dashboard's main views, for docs/images/, taken in
 * headless Chromium over a generated week of events (the benchmark's lake, smaller).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LakeQuery } from '../shared/query/lake-query.ts';
import { startDashboard } from '../shared/ui/dashboard.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { writeDashboardLake } from './bench/dashboard-lake.ts';

const EVENTS = 6_000;
const DAYS = 7;
const END = new Date('2026-11-27T00:00:00Z');
const IMAGES = path.resolve(import.meta.dirname, '../docs/images');

const root = await mkdtemp(path.join(tmpdir(), 'kaudit-screenshots-'));
await writeDashboardLake(root, EVENTS, DAYS, END, () => {});
const lake = await LakeQuery.open(root);
const server = await startDashboard({ lake, root, host: '127.0.0.1', port: 0, token: null, log: () => {} });
const chromium = await launchChromium();
const page = await chromium.context.newPage();
const settled = () => page.waitForSelector('body[data-loading="false"]');
const shoot = async (name: string) => {
  await page.screenshot({ path: path.join(IMAGES, `${name}.png`), fullPage: false });
  process.stderr.write(`docs/images/${name}.png\n`);
};
try {
  await page.goto(server.url);
  await settled();
  await shoot('dashboard');

  await page.click('[data-class="4xx"]');
  await settled();
  await page.click('[data-code="403"]');
  await settled();
  await shoot('dashboard-403');

  await page.fill('#q', 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username');
  await page.press('#q', 'Enter');
  await settled();
  await page.locator('#results-panel').scrollIntoViewIfNeeded();
  await shoot('dashboard-groupby');

  await page.goto(`${server.url}?q=${encodeURIComponent('responsestatus_code=403 and username="system:serviceaccount:default:demo"')}`);
  await settled();
  await page.click('#results-table tbody tr button');
  await settled();
  await shoot('dashboard-event');
} finally {
  await chromium.close();
  await server.close();
  lake.close();
  await rm(root, { recursive: true, force: true });
}
