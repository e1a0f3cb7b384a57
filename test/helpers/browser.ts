/**
 * Headless Chromium for the dashboard's browser tests, driven by playwright-core. The browser is
 * Debian's `chromium` package (`apt-get install -y chromium`; .ci/run installs it when missing):
 * nothing is downloaded at install or run time. KAUDIT_CHROMIUM names another binary.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags that let Chromium run headless as root in a container, with no network of its own. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  /** A context with a profile of its own, made for this launch. */
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile directory (--user-data-dir); fails (never skips) when the binary is missing. */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = process.env.KAUDIT_CHROMIUM || DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: install Debian's chromium (apt-get install -y chromium) or set KAUDIT_CHROMIUM to a Chromium binary`);
  }
  const profile = await mkdtemp(path.join(tmpdir(), 'kaudit-chromium-'));
  const context = await chromium
    .launchPersistentContext(profile, { executablePath, args: FLAGS, timeout: 30_000, viewport: { width: 1400, height: 1000 } })
    .catch(async (error: unknown) => {
      await rm(profile, { recursive: true, force: true });
      throw error;
    });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
