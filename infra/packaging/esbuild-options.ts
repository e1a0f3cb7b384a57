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
}

// The bundles are ES modules, but some dependencies are CommonJS and call require() at run time
// (node built-ins, @azure/functions-core); an ES module has no require of its own.
const REQUIRE_SHIM =
  "import { createRequire as kauditCreateRequire } from 'node:module'; const require = kauditCreateRequire(import.meta.url);";

/**
 * Each bundle carries its own cloud's SDK only: the store factory loads the other cloud's store
 * lazily, and on this platform it is never asked for (a store URL of the other cloud fails with
 * "Cannot find package"). That keeps a third of a megabyte or more out of every cold start.
 */
const EXTERNALS: Record<FunctionPlatform, string[]> = {
  // The AWS SDK is bundled, not taken from the runtime: the S3 store relies on conditional writes,
  // and the SDK version must not depend on what Lambda happens to ship.
  'aws-lambda': ['@azure/*'],
  // @azure/functions-core is provided by the Functions host at run time; it is not on npm.
  'azure-functions': ['@azure/functions-core', '@aws-sdk/*', '@smithy/*'],
};

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
  };
}

/** The esbuild call that bundles `entry` into `outDir`. */
export function esbuildBuildOptions(platform: FunctionPlatform, entry: string, outDir: string): BuildOptions {
  const options = bundleOptionsFor(platform);
  return {
    entryPoints: [entry],
    outfile: `${outDir}/${options.outputFile}`,
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
    logLevel: 'warning',
  };
}
