/**
 * Only production dependencies reach a deployment: every module esbuild puts into a function
 * bundle comes from the repository's own code or from a package the lockfile does not mark `dev`.
 * The emulators the tests run (s3rver, azurite) and whatever they pull in stay on the developer's
 * machine, whatever their advisories (docs/stores.md, "Dev-only dependencies").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildBuildOptions } from '../../infra/packaging/esbuild-options.ts';
import { discoverFunctionEntries, REPO_ROOT } from '../../infra/packaging/function-entries.ts';

interface LockedPackage {
  version?: string;
  dev?: boolean;
}

/** Lockfile entries by install path (`node_modules/a/node_modules/b`). */
const LOCKED: Record<string, LockedPackage> = (JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> }).packages;

/** The install path of the package a bundled file belongs to: the longest lockfile path that contains it; undefined for the repository's own files. */
function installPathOf(input: string): string | undefined {
  const normalized = input.replaceAll('\\', '/');
  return Object.keys(LOCKED)
    .filter((installPath) => installPath !== '' && normalized.startsWith(`${installPath}/`))
    .sort((a, b) => b.length - a.length)[0];
}

describe('function bundles', () => {
  const inputs = new Map<string, string[]>();
  beforeAll(async () => {
    for (const entry of discoverFunctionEntries()) {
      const result = await build({ ...esbuildBuildOptions(entry.platform, entry.entry, join(REPO_ROOT, 'dist/unused')), write: false, metafile: true, absWorkingDir: REPO_ROOT });
      inputs.set(entry.name, Object.keys((result.metafile as Metafile).inputs));
    }
  }, 120_000);

  it('bundle packages from the lockfile and the repository’s own code, nothing else', () => {
    // Act
    const unknown = [...inputs].flatMap(([bundle, files]) =>
      files.filter((file) => file.includes('node_modules/') && installPathOf(file) === undefined).map((file) => `${bundle}: ${file}`),
    );

    // Assess
    expect(inputs.size).toBeGreaterThan(1);
    expect(unknown).toEqual([]);
  });

  it('carry no development-only package, such as the emulators or their dependencies', () => {
    // Act
    const devOnly = [...inputs].flatMap(([bundle, files]) =>
      [...new Set(files.map(installPathOf))].filter((installPath) => installPath !== undefined && LOCKED[installPath]?.dev).map((installPath) => `${bundle}: ${installPath}`),
    );

    // Assess
    expect(devOnly).toEqual([]);
  });

  it('know the emulators’ packages as development-only, so the check above covers them', () => {
    // Assess
    for (const installPath of ['node_modules/s3rver', 'node_modules/azurite', 'node_modules/dicer', 'node_modules/s3rver/node_modules/fast-xml-parser']) {
      expect({ installPath, dev: LOCKED[installPath]?.dev }).toEqual({ installPath, dev: true });
    }
  });
});
