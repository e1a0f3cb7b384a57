import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The dashboard's page, script and style sheet, served as they are. */
export interface WebAssets {
  html: string;
  js: string;
  css: string;
}

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * Bundles the front end (shared/ui/web/) with esbuild when the server starts: the page needs
 * nothing from the internet and no build step before `kaudit ui`.
 */
export async function bundleWebAssets(): Promise<WebAssets> {
  const result = await build({
    entryPoints: [`${WEB}app.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [script] = result.outputFiles;
  if (!script) throw new Error('esbuild produced no script for the dashboard');
  const [html, css] = await Promise.all([readFile(`${WEB}index.html`, 'utf8'), readFile(`${WEB}app.css`, 'utf8')]);
  return { html, js: script.text, css };
}
