import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';

/** Every TypeScript file under a directory of the repository. */
function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(REPO_ROOT, directory), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(directory, file));
}

describe('zod imports in code that ships in function bundles', () => {
  it('take the namespace (import * as z), which esbuild tree-shakes: the z object drags all of zod into the bundle', () => {
    // Prepare: `import { z } from 'zod'` puts zod's locales in every function bundle, and their compile time in its cold start (docs/performance.md#code-choices).
    const objectImport = /^import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/m;

    // Act
    const offenders = [...sourceFiles('shared'), ...sourceFiles('functions')].filter((file) => objectImport.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')));

    // Assess
    expect(offenders).toEqual([]);
  });
});
