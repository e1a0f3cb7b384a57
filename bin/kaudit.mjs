#!/usr/bin/env node
// Thin entry point: runs the prebuilt bundle of the CLI (built on first use, see cli-bundle.mjs),
// or, when it cannot be built, the TypeScript sources through tsx.
import { prebuiltCli } from './cli-bundle.mjs';

// The AWS SDK warns on every run under Node 20 that its future releases will need Node 22; the
// CLI supports Node 20, so that warning (and only that one: the SDK's own switch) is left out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const bundle = await prebuiltCli();
const cli = bundle === null ? await fromSources() : await import(bundle);
process.exitCode = await cli.runCli(process.argv.slice(2), cli.processIo());

async function fromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  const [{ runCli }, { processIo }] = await Promise.all([import('../shared/cli/program.ts'), import('../shared/cli/cli-io.ts')]);
  return { runCli, processIo };
}
