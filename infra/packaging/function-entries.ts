import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionPlatform } from './esbuild-options.ts';

/** The repository root (this file is infra/packaging/function-entries.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Conventions that let a new function be packaged without editing the packaging:
 * - every `functions/<name>/handler.ts` is a Lambda function exporting `handler`;
 * - `functions/azure.ts` is the one Azure Functions app, importing every Azure function module.
 */
const LAMBDA_HANDLER_FILE = 'handler.ts';
const AZURE_APP_ENTRY = 'functions/azure.ts';
export const AZURE_APP_BUNDLE = 'azure-app';

export interface FunctionEntry {
  /** Directory name under `dist/functions/`. */
  name: string;
  platform: FunctionPlatform;
  /** Absolute path of the TypeScript entry point. */
  entry: string;
}

/** Every deployable bundle in the repository: one per Lambda handler, and the Azure app. */
export function discoverFunctionEntries(repoRoot: string = REPO_ROOT): FunctionEntry[] {
  const functionsDir = join(repoRoot, 'functions');
  const lambdas = readdirSync(functionsDir, { withFileTypes: true })
    .filter((item) => item.isDirectory() && existsSync(join(functionsDir, item.name, LAMBDA_HANDLER_FILE)))
    .map((item): FunctionEntry => ({ name: item.name, platform: 'aws-lambda', entry: join(functionsDir, item.name, LAMBDA_HANDLER_FILE) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [...lambdas, { name: AZURE_APP_BUNDLE, platform: 'azure-functions', entry: join(repoRoot, AZURE_APP_ENTRY) }];
}

/** The entry point of one Lambda function; fails when the function does not exist. */
export function lambdaEntry(name: string, repoRoot: string = REPO_ROOT): string {
  const found = discoverFunctionEntries(repoRoot).find((entry) => entry.platform === 'aws-lambda' && entry.name === name);
  if (!found) throw new Error(`no Lambda function ${JSON.stringify(name)}: expected functions/${name}/${LAMBDA_HANDLER_FILE}`);
  return found.entry;
}
