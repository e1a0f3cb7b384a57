// The CLI as one prebuilt JavaScript bundle, so a command does not pay for transpiling TypeScript
// at every start. The bundle is built on first use (and again whenever a source file it was built
// from changes) into node_modules/.cache: a clone still needs only `npm ci`, and an edited checkout
// never runs stale code. Anything that prevents building (a read-only checkout, say) leaves the
// caller to run the sources through tsx, as before.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'main.mjs';
const ENTRY_SOURCE = 'shared/cli/kaudit-cli-entry.ts';
/** This file: a change to how the bundle is built makes it stale too. */
const BUILDER = fileURLToPath(import.meta.url);
/** The layout of current.json; a cache written in another is built again. */
const STATE_FORMAT = 3;
// Builds other than the current one are removed once this old: a process started from one may
// still load its lazily imported chunks.
const STALE_BUILD_MS = 60 * 60 * 1000;

/**
 * The bundle's module URL, built now if it is missing or older than its sources; null when it
 * cannot be built. `root` is the checkout, `cache` where its builds go.
 */
export async function prebuiltCli(root = CHECKOUT, cache = path.join(root, 'node_modules', '.cache', 'kaudit-cli')) {
  const current = readCurrent(cache);
  if (current !== null && sameState(current.builder, fileState(BUILDER)) && isFresh(root, current.inputs)) return pathToFileURL(path.join(cache, current.dir, ENTRY)).href;
  try {
    return await build(root, cache);
  } catch {
    return null;
  }
}

function readCurrent(cache) {
  try {
    const current = JSON.parse(readFileSync(path.join(cache, 'current.json'), 'utf8'));
    return current?.format === STATE_FORMAT && typeof current.dir === 'string' && typeof current.inputs === 'object' && current.inputs !== null ? current : null;
  } catch {
    return null;
  }
}

function fileState(file) {
  const stat = statSync(file);
  return [stat.size, stat.mtimeMs];
}

function sameState(recorded, now) {
  return Array.isArray(recorded) && recorded[0] === now[0] && recorded[1] === now[1];
}

/** Every source file the bundle was built from still has the size and modification time it had. */
function isFresh(root, inputs) {
  for (const [file, [size, mtimeMs]] of Object.entries(inputs)) {
    try {
      const stat = statSync(path.join(root, file));
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function build(root, cache) {
  const { build: esbuild } = await import('esbuild');
  const started = Date.now();
  const dir = `build-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const outdir = path.join(cache, dir);
  const result = await esbuild({
    absWorkingDir: root,
    stdin: {
      contents: "export { runCli } from './program.ts';\nexport { processIo } from './cli-io.ts';\n",
      resolveDir: path.dirname(path.join(root, ENTRY_SOURCE)),
      sourcefile: path.basename(ENTRY_SOURCE),
      loader: 'ts',
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: externalPackages(root),
    // The bundled CommonJS (DuckDB's) calls require() for its native binding; an ES module has none of its own.
    banner: { js: "import { createRequire as kauditCreateRequire } from 'node:module'; const require = kauditCreateRequire(import.meta.url);" },
    outdir,
    entryNames: 'main',
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceLocationPlugin],
  });
  const inputs = {};
  let editedMeanwhile = false;
  for (const file of Object.keys(result.metafile.inputs)) {
    // The entry is the text above, not a file.
    if (file === ENTRY_SOURCE) continue;
    const stat = statSync(path.join(root, file));
    inputs[file] = [stat.size, stat.mtimeMs];
    editedMeanwhile ||= stat.mtimeMs >= started + 1;
  }
  const url = pathToFileURL(path.join(outdir, ENTRY)).href;
  // A source saved while the build read it may not be in the bundle: use this build once, and build again next time.
  if (editedMeanwhile) return url;
  mkdirSync(cache, { recursive: true });
  const current = path.join(cache, 'current.json');
  writeFileSync(`${current}.${dir}`, JSON.stringify({ format: STATE_FORMAT, dir, inputs, builder: fileState(BUILDER) }));
  renameSync(`${current}.${dir}`, current);
  removeStaleBuilds(cache, dir);
  return url;
}

/**
 * Packages are loaded from node_modules at run time, except DuckDB's JavaScript, which is bundled:
 * imported from an ES module, a CommonJS package's every file is scanned for its exports first,
 * which costs DuckDB's tens of files about a tenth of a second at each start. Its native binding
 * (`@duckdb/node-bindings-<platform>`) stays external.
 */
const BUNDLED_PACKAGES = new Set(['@duckdb/node-api', '@duckdb/node-bindings']);

function externalPackages(root) {
  const file = path.join(root, 'package.json');
  const manifest = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((name) => !BUNDLED_PACKAGES.has(name));
  return [...names.flatMap((name) => [name, `${name}/*`]), '@duckdb/node-bindings-*'];
}

/** A module that finds files beside itself (`import.meta.url`) still finds them from inside the bundle. */
const sourceLocationPlugin = {
  name: 'source-location',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]shared[\\/].*\.ts$/ }, (args) => {
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      return { contents: contents.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

function removeStaleBuilds(cache, keep) {
  const now = Date.now();
  for (const entry of readdirSync(cache, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const full = path.join(cache, entry.name);
    try {
      if (now - statSync(full).mtimeMs > STALE_BUILD_MS) rmSync(full, { recursive: true, force: true });
    } catch {
      // Another process removed it first.
    }
  }
}
