#!/usr/bin/env node
// Thin entry point: TypeScript sources run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../shared/cli/program.ts');
const { processIo } = await import('../shared/cli/cli-io.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
