import { copyFileSync, cpSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { KAUDIT_VERSION } from '../../shared/core/version.ts';
import { bundleOptionsFor, DUCKDB_NATIVE_PACKAGES, esbuildBuildOptions } from './esbuild-options.ts';
import { type FunctionEntry, REPO_ROOT } from './function-entries.ts';
import { zipDirectory } from './zip.ts';

/** The Functions host configuration shipped with the Azure app (extension bundle for Event Hubs). */
const AZURE_HOST_JSON = join(REPO_ROOT, 'infra/azure/host.json');

export interface BuiltBundle {
  name: string;
  platform: FunctionEntry['platform'];
  directory: string;
  /** Total size of the files in `directory`, native packages included. */
  bytes: number;
  /** Size of the bundled code: every `.mjs` file (the Azure app's chunks included), native packages left out. */
  codeBytes: number;
  /** The native packages copied into `node_modules/` (DuckDB's binding, for bundles that use it). */
  nativePackages: string[];
  zipFile: string;
  zipBytes: number;
}

/** Builds one deployable bundle into `<outDir>/<name>/` and its zip into `<outDir>/<name>.zip`. */
export async function buildFunctionBundle(entry: FunctionEntry, outDir: string): Promise<BuiltBundle> {
  const directory = join(outDir, entry.name);
  rmSync(directory, { recursive: true, force: true });
  const { metafile } = await build({ ...esbuildBuildOptions(entry.platform, entry.entry, directory), metafile: true });
  if (entry.platform === 'azure-functions') writeAzureAppFiles(directory);
  const nativePackages = DUCKDB_NATIVE_PACKAGES.filter((name) => importsExternal(metafile, name));
  for (const name of nativePackages) cpSync(join(REPO_ROOT, 'node_modules', name), join(directory, 'node_modules', name), { recursive: true });

  const zip = zipDirectory(directory);
  const zipFile = `${directory}.zip`;
  writeFileSync(zipFile, zip);
  const codeBytes = directorySize(directory, (name) => name.endsWith('.mjs') && !name.startsWith('node_modules'));
  return { name: entry.name, platform: entry.platform, directory, bytes: directorySize(directory), codeBytes, nativePackages, zipFile, zipBytes: zip.length };
}

/** Whether the bundle's code requires `name` (or a file of it), left external, at run time. */
function importsExternal(metafile: Metafile, name: string): boolean {
  return Object.values(metafile.outputs).some((output) => output.imports.some((imported) => imported.external && (imported.path === name || imported.path.startsWith(`${name}/`))));
}

/** The Node.js worker loads the file named by package.json `main`; host.json selects the extensions. */
function writeAzureAppFiles(directory: string): void {
  const packageJson = { name: 'kaudit-azure-functions', version: KAUDIT_VERSION, private: true, type: 'module', main: bundleOptionsFor('azure-functions').outputFile };
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  copyFileSync(AZURE_HOST_JSON, join(directory, 'host.json'));
}

function directorySize(directory: string, counts: (name: string) => boolean = () => true): number {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).reduce((total, name) => {
    if (!counts(name)) return total;
    const stats = statSync(join(directory, name));
    return stats.isFile() ? total + stats.size : total;
  }, 0);
}
