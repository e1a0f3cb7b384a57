import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** Where a bundle runs. Both platforms run Node 22 (Lambda `nodejs22.x`, Functions `node` 22). */
export type FunctionPlatform = 'aws-lambda' | 'azure-functions';

/**
 * The esbuild settings of every deployable bundle. `scripts/package-functions.ts` and the CDK
 * `NodejsFunction` both read them from here, so the artefact a user packages and the one CDK
 * deploys are built the same way.
 */
export interface FunctionBundleOptions {
  target: string;
  format: 'esm';
  /** File name of the bundle inside its directory; Lambda's handler is then `index.handler`. */
  outputFile: string;
  minify: boolean;
  /** Keeps class and function names, so minified stack traces stay readable without source maps. */
  keepNames: boolean;
  sourcemap: boolean;
  /** Prefer the ES module build of a dependency: it tree-shakes better. */
  mainFields: string[];
  banner: string;
  external: string[];
  /** Packages replaced by another build of themselves (esbuild `alias`); none for Lambda, so CDK needs none. */
  alias: Record<string, string>;
}

// The bundles are ES modules, but some dependencies are CommonJS and call require() at run time
// (node built-ins, @azure/functions-core); an ES module has no require of its own.
const REQUIRE_SHIM = "import { createRequire as kauditCreateRequire } from 'node:module'; const require = kauditCreateRequire(import.meta.url);";

/** DuckDB's per-platform binding packages, one of which its bindings module requires at run time. */
const DUCKDB_BINDINGS = '@duckdb/node-bindings-*';

/**
 * The binding packages a bundle that uses DuckDB ships in its node_modules/: Linux x64 only, the
 * one build of the binding this registry has for Linux, so those functions run on x86_64 (Lambda)
 * and on Linux x64 (Flex Consumption). The JavaScript of @duckdb/node-api and
 * @duckdb/node-bindings is bundled like any other package.
 */
export const DUCKDB_NATIVE_PACKAGES = ['@duckdb/node-bindings-linux-x64'] as const;

/**
 * Each bundle carries its own cloud's SDK only: the store factory loads each cloud's store module
 * lazily, and on this platform the other cloud's is never asked for. That module is what is left
 * out, not its SDK packages: esbuild turns an external package imported by a lazily loaded module
 * into a static import at the top of an ES module bundle, so the bundle would not even load where
 * the package is absent. Left out, the module stays a dynamic import that only a store URL of the
 * other cloud reaches (and fails with "Cannot find module").
 *
 * A package the code itself imports only with `await import()` is different: marked external, it
 * stays that dynamic import, so it can be left out by name. The Functions app does so with
 * `@azure/identity` (about 360 KiB with msal-node): in Azure the Blob store asks the host's managed
 * identity endpoint for its tokens itself (shared/store/app-service-managed-identity.ts), and
 * without one it fails naming what to set (managed identity, or AZURE_STORAGE_CONNECTION_STRING).
 * The Blob store needs no Azure SDK to leave out: it speaks the Blob REST API itself
 * (shared/store/blob-rest-client.ts).
 */
const EXTERNALS: Record<FunctionPlatform, string[]> = {
  // DuckDB's native binding (a .node file and its shared library) cannot be bundled: it stays a
  // require() inside DuckDB's bindings module, run when the lake jobs first open DuckDB, and the
  // bundles that reach it ship the package itself (DUCKDB_NATIVE_PACKAGES).
  // The AWS SDK is bundled, not taken from the runtime: the S3 store relies on conditional writes,
  // and the SDK version must not depend on what Lambda happens to ship.
  // The EventBridge client, imported only when alerts are configured, is the runtime's own: its one
  // call (PutEvents) needs no particular version, and bundled it would take a fifth of the bundle.
  'aws-lambda': ['./blob-object-store.ts', '@aws-sdk/client-eventbridge', DUCKDB_BINDINGS],
  // @azure/functions-core is provided by the Functions host at run time; it is not on npm. The
  // EventBridge client is imported only when KAUDIT_ALERT_EVENT_BUS is set, which Azure never sets.
  'azure-functions': ['@azure/functions-core', './s3-object-store.ts', '@azure/identity', '@aws-sdk/client-eventbridge', DUCKDB_BINDINGS],
};

/**
 * yaml's `node` export is its CommonJS build, which esbuild cannot tree-shake; its ES module build
 * (the same code, yaml's export for other platforms, which Node runs as well) leaves about 15 KB
 * out of the Functions app, which has to stay under 1 MB. It differs only in that warnings go to
 * console.warn instead of process.emitWarning, and yaml's LOG_TOKENS / LOG_STREAM debugging is
 * absent. Resolved by path, as yaml's exports map hides it; `yaml/util` is not imported anywhere.
 */
function yamlModuleBuild(): string {
  return join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/dist/index.js');
}

export function bundleOptionsFor(platform: FunctionPlatform): FunctionBundleOptions {
  return {
    target: 'node22',
    format: 'esm',
    outputFile: 'index.mjs',
    minify: true,
    keepNames: true,
    sourcemap: false,
    mainFields: ['module', 'main'],
    banner: REQUIRE_SHIM,
    external: EXTERNALS[platform],
    // The Lambda bundles are left as they were.
    alias: platform === 'azure-functions' ? { yaml: yamlModuleBuild() } : {},
  };
}

/** The esbuild call that bundles `entry` into `outDir`. */
export function esbuildBuildOptions(platform: FunctionPlatform, entry: string, outDir: string): BuildOptions {
  const options = bundleOptionsFor(platform);
  return {
    entryPoints: [entry],
    ...(platform === 'azure-functions'
      ? // The one app holds every Azure function: code each loads on first use (the lake jobs and DuckDB's
        // JavaScript, the Blob credential) goes to chunks of its own, so the ingest functions' cold start
        // neither loads nor compiles it. A Lambda bundle holds one function and stays one file.
        { outdir: outDir, splitting: true, entryNames: options.outputFile.replace(/\.mjs$/, ''), chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } }
      : { outfile: `${outDir}/${options.outputFile}` }),
    bundle: true,
    platform: 'node',
    target: options.target,
    format: options.format,
    minify: options.minify,
    keepNames: options.keepNames,
    sourcemap: options.sourcemap,
    mainFields: options.mainFields,
    banner: { js: options.banner },
    external: options.external,
    alias: options.alias,
    logLevel: 'warning',
  };
}
