import { copyFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { KAUDIT_VERSION } from '../../shared/core/version.ts';
import { bundleOptionsFor, esbuildBuildOptions } from './esbuild-options.ts';
import { type FunctionEntry, REPO_ROOT } from './function-entries.ts';
import { zipDirectory } from './zip.ts';

/** The Functions host configuration shipped with the Azure app (extension bundle for Event Hubs). */
const AZURE_HOST_JSON = join(REPO_ROOT, 'infra/azure/host.json');

export interface BuiltBundle {
  name: string;
  platform: FunctionEntry['platform'];
  directory: string;
  /** Total size of the files in `directory`. */
  bytes: number;
  zipFile: string;
  zipBytes: number;
}

/** Builds one deployable bundle into `<outDir>/<name>/` and its zip into `<outDir>/<name>.zip`. */
export async function buildFunctionBundle(entry: FunctionEntry, outDir: string): Promise<BuiltBundle> {
  const directory = join(outDir, entry.name);
  rmSync(directory, { recursive: true, force: true });
  await build(esbuildBuildOptions(entry.platform, entry.entry, directory));
  if (entry.platform === 'azure-functions') writeAzureAppFiles(directory);

  const zip = zipDirectory(directory);
  const zipFile = `${directory}.zip`;
  writeFileSync(zipFile, zip);
  return { name: entry.name, platform: entry.platform, directory, bytes: directorySize(directory), zipFile, zipBytes: zip.length };
}

/** The Node.js worker loads the file named by package.json `main`; host.json selects the extensions. */
function writeAzureAppFiles(directory: string): void {
  const packageJson = { name: 'kaudit-azure-functions', version: KAUDIT_VERSION, private: true, type: 'module', main: bundleOptionsFor('azure-functions').outputFile };
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  copyFileSync(AZURE_HOST_JSON, join(directory, 'host.json'));
}

function directorySize(directory: string): number {
  return readdirSync(directory).reduce((total, name) => total + statSync(join(directory, name)).size, 0);
}
