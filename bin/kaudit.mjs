#!/usr/bin/env node
// Thin entry point: TypeScript sources run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run under Node 20 that its future releases will need Node 22; the
// CLI supports Node 20, so that warning (and only that one: the SDK's own switch) is left out.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli } = await import('../shared/cli/program.ts');
const { processIo } = await import('../shared/cli/cli-io.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
