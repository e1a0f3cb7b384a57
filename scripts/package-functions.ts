/**
 * `npm run package`: builds every function's deployable bundle into dist/functions/<name>/ and
 * dist/functions/<name>.zip, and prints their sizes.
 *   Lambda:    dist/functions/<name>.zip, handler `index.handler`
 *   Azure app: dist/functions/azure-app.zip, for `az functionapp deployment source config-zip`
 */
import { join } from 'node:path';
import { buildFunctionBundle } from '../infra/packaging/build-function-bundles.ts';
import { checkBundledRules } from '../infra/packaging/bundled-rules.ts';
import { discoverFunctionEntries, REPO_ROOT } from '../infra/packaging/function-entries.ts';

const outDir = join(REPO_ROOT, 'dist/functions');

checkBundledRules();

for (const entry of discoverFunctionEntries()) {
  const bundle = await buildFunctionBundle(entry, outDir);
  console.log(
    `${bundle.name.padEnd(20)} ${bundle.platform.padEnd(16)} ${kib(bundle.codeBytes).padStart(10)} code, ${kib(bundle.bytes).padStart(10)} in all  zip ${kib(bundle.zipBytes).padStart(10)}  ${bundle.zipFile}`,
  );
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
