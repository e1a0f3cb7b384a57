import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findingOf } from '../../shared/transforms/detection/finding-of.ts';
import { launchChromium, type TestBrowser } from '../helpers/browser.ts';
import { startTestDashboard, type TestDashboard } from '../helpers/dashboard.ts';
import { DEMO_SA } from '../query/search/search-events.ts';
import { dashboardEvents, IMG_PROBE, SCRIPT_PROBE, XSS_AUDIT_ID } from './dashboard-events.ts';

/**
 * Run in the page before its own script: records each Content-Security-Policy violation. A probe
 * that ran would set `window.__xss`. (Strings: the tests are compiled without the DOM's types.)
 */
const RECORD_VIOLATIONS = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective));`;
const XSS_FLAG = 'window.__xss';
const VIOLATIONS = 'window.__violations';

/** What the page did that it should not: script errors, console errors, CSP violations. */
interface PageTrouble {
  errors: string[];
}

describe('the dashboard in a browser', () => {
  let chromium: TestBrowser;
  let dashboard: TestDashboard;
  let page: Page;
  let trouble: PageTrouble;

  /** Waits until every panel has been drawn for the current address. */
  const settled = () => page.waitForSelector('body[data-loading="false"]');
  const open = async (search = '') => {
    await page.goto(`${dashboard.url}${search}`);
    await settled();
  };
  const resultCodes = () => page.$$eval('#results-table tbody tr td:nth-child(9)', (cells) => cells.map((cell) => Number(cell.textContent)));
  const query = () => new URL(page.url()).searchParams.get('q');

  beforeAll(async () => {
    chromium = await launchChromium();
    dashboard = await startTestDashboard(dashboardEvents());
  });
  afterAll(async () => {
    await dashboard?.stop();
    await chromium?.close();
  });
  beforeEach(async () => {
    page = await chromium.context.newPage();
    trouble = { errors: [] };
    await page.addInitScript({ content: RECORD_VIOLATIONS });
    page.on('pageerror', (error) => trouble.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') trouble.errors.push(message.text());
    });
  });
  afterEach(async () => {
    await page.close();
  });

  it('fills every panel on load', async () => {
    // Act
    await open();

    // Assess
    expect(await page.textContent('[data-class="4xx"] .count')).toBe('5');
    expect(await page.textContent('[data-class="5xx"] .count')).toBe('1');
    expect(await page.$$eval('#timeline svg rect[class^="bar-"]', (bars) => bars.length)).toBeGreaterThan(0);
    expect(await page.$$eval('[data-field="user_name"] .value', (values) => values.map((value) => value.textContent))).toContain(DEMO_SA);
    expect(await page.$$eval('#results-table tbody tr', (rows) => rows.length)).toBe(10);
    expect(await page.isHidden('#findings-panel')).toBe(true);
    expect(trouble.errors).toEqual([]);
  });

  it('shows the events of a class when 4xx is clicked, then of one code', async () => {
    // Arrange
    await open();

    // Act
    await page.click('[data-class="4xx"]');
    await settled();
    const classCodes = await resultCodes();
    await page.click('[data-code="403"]');
    await settled();

    // Assess
    expect(new Set(classCodes)).toEqual(new Set([403, 404]));
    expect(query()).toBe('response_code >= 400 and response_code < 500 and response_code = 403');
    expect(await resultCodes()).toEqual([403, 403, 403, 403]);
  });

  it('runs a query typed in the search box and keeps it in the address', async () => {
    // Arrange
    await open();

    // Act
    await page.fill('#q', 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username');
    await page.press('#q', 'Enter');
    await settled();

    // Assess
    expect(query()).toBe('logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username');
    expect(await page.$$eval('#results-table th', (headers) => headers.map((header) => header.textContent))).toEqual(['username', 'count', '']);
    expect(await page.$$eval('#results-table tbody tr', (rows) => rows.map((row) => row.textContent))).toEqual([`${DEMO_SA}3events`, 'Bob@example.com1events']);
  });

  it('points at the column of a query that does not compile', async () => {
    // Arrange
    await open();

    // Act
    await page.fill('#q', 'verb="list" and and user_name="demo"');
    await page.press('#q', 'Enter');
    await settled();

    // Assess
    expect(await page.textContent('#search-error')).toBe(
      'column 17: expected a field, found "and"\nverb="list" and and user_name="demo"\n                ^ expected a field, found "and"',
    );
  });

  it('reproduces a view from its address', async () => {
    // Act
    await open(`?${new URLSearchParams({ q: 'verb = list', cluster: 'aks-weu-prod', since: '2026-11-20T14:00:00Z', until: '2026-11-21' })}`);

    // Assess
    expect(await page.inputValue('#cluster')).toBe('aks-weu-prod');
    expect(await page.$$eval('#results-table tbody tr', (rows) => rows.map((row) => row.getAttribute('data-event-id')).length)).toBe(1);
    expect(await page.textContent('#results-table tbody tr td:nth-child(4)')).toBe('Bob@example.com');
  });

  it('opens an event to show the whole canonical event', async () => {
    // Arrange
    await open(`?q=${encodeURIComponent('audit_id = "alice-get-pod"')}`);

    // Act
    await page.click('#results-table tbody tr button');
    await settled();

    // Assess
    const shown = JSON.parse((await page.textContent('#event-json')) ?? '') as Record<string, unknown>;
    expect(shown.audit_id).toBe('alice-get-pod');
    expect(shown.schema_version).toBe('k8s_audit/1');
    expect(new URL(page.url()).searchParams.get('event')).toBe(shown.event_id);
  });

  it('narrows the range to what is brushed on the timeline', async () => {
    // Arrange
    await open();
    const box = (await page.locator('#timeline svg').boundingBox())!;

    // Act
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await settled();

    // Assess
    const params = new URL(page.url()).searchParams;
    expect(Date.parse(params.get('since') ?? '')).toBeLessThan(Date.parse(params.get('until') ?? ''));
    expect(await page.inputValue('#since')).toBe(params.get('since'));
  });

  it('shows hostile event text as text: no script runs and nothing breaks the policy', async () => {
    // Arrange
    await open(`?q=${encodeURIComponent(`audit_id = "${XSS_AUDIT_ID}"`)}`);

    // Act
    await page.click('#results-table tbody tr button');
    await settled();

    // Assess
    expect(await page.evaluate(XSS_FLAG)).toBeUndefined();
    expect(await page.$$('img, svg[onload], script:not([src])')).toHaveLength(0);
    expect(await page.textContent('#results-table tbody tr td:nth-child(4)')).toBe(IMG_PROBE);
    expect(await page.textContent('#event-json')).toContain(JSON.stringify(SCRIPT_PROBE));
    expect(await page.evaluate(VIOLATIONS)).toEqual([]);
    expect(trouble.errors).toEqual([]);
  });

  it('refuses inline script by its Content-Security-Policy', async () => {
    // Arrange
    await open();

    // Act: an inline script and an inline event handler, put into the page as markup would put them
    await page.evaluate(`{
      const holder = document.createElement('div');
      holder.innerHTML = ${JSON.stringify(IMG_PROBE)};
      const script = document.createElement('script');
      script.textContent = 'window.__xss = "inline"';
      document.body.append(holder, script);
    }`);
    // (page.waitForFunction would evaluate a string, which this very policy forbids.)
    await expect.poll(() => page.evaluate(`${VIOLATIONS}.length`)).toBeGreaterThanOrEqual(2);

    // Assess
    expect(await page.evaluate(XSS_FLAG)).toBeUndefined();
    expect(await page.evaluate(VIOLATIONS)).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']));
  });

  it('is usable from the keyboard: Tab reaches the widgets and Enter activates them', async () => {
    // Arrange
    await open();
    await page.focus('#q');

    // Act: Tab from the search box to the 4xx button
    let focused = '';
    for (let presses = 0; presses < 20 && focused !== '4xx'; presses++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate("document.activeElement?.getAttribute('data-class') ?? ''");
    }
    await page.keyboard.press('Enter');
    await settled();

    // Assess
    expect(focused).toBe('4xx');
    expect(query()).toBe('response_code >= 400 and response_code < 500');
  });
});

describe('the findings panel', () => {
  let chromium: TestBrowser;
  let dashboard: TestDashboard;

  beforeAll(async () => {
    chromium = await launchChromium();
    const events = dashboardEvents();
    const listed = events.find((event) => event.audit_id === 'demo-list-secrets-1');
    if (!listed) throw new Error('the dashboard events have no demo-list-secrets-1');
    const detection = { kind: 'sigma', id: 'k8s-secrets-list', title: 'Secrets listed by a service account', source: 'test', level: 'high', tags: [] } as const;
    dashboard = await startTestDashboard(events, { findings: [findingOf(detection, listed, '2026-11-20T12:00:00Z')] });
  });
  afterAll(async () => {
    await dashboard?.stop();
    await chromium?.close();
  });

  it('shows the findings when the store holds findings', async () => {
    // Arrange
    const page = await chromium.context.newPage();

    // Act
    await page.goto(dashboard.url);
    await page.waitForSelector('body[data-loading="false"]');

    // Assess
    expect(await page.isVisible('#findings-panel')).toBe(true);
    expect(await page.$$eval('#findings-table tbody td', (cells) => cells.map((cell) => cell.textContent))).toContain('Secrets listed by a service account');
    await page.close();
  });
});
