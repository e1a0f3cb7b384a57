import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prebuiltCli } from '../../bin/cli-bundle.mjs';

interface FakeCli {
  runCli: () => Promise<number>;
}

/** A checkout holding only what the bundle's entry imports: a program answering `code`. */
async function writeCheckout(root: string, code: number): Promise<void> {
  await mkdir(path.join(root, 'shared', 'cli'), { recursive: true });
  await writeFile(path.join(root, 'shared', 'cli', 'program.ts'), `export async function runCli(): Promise<number> {\n  return ${code};\n}\n`);
  await writeFile(path.join(root, 'shared', 'cli', 'cli-io.ts'), 'export const processIo = (): object => ({});\n');
}

/** Moves a file's modification time back, as if it had been saved well before any build. */
async function ageFile(file: string): Promise<void> {
  const past = new Date(Date.now() - 60_000);
  await utimes(file, past, past);
}

async function runBundle(url: string | null): Promise<number> {
  expect(url).not.toBeNull();
  const cli = (await import(url as string)) as FakeCli;
  return cli.runCli();
}

describe('the prebuilt CLI bundle (bin/cli-bundle.mjs)', () => {
  let root: string;
  let cache: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'kaudit-cli-bundle-'));
    cache = path.join(root, 'cache');
    await writeCheckout(root, 7);
    await ageFile(path.join(root, 'shared', 'cli', 'program.ts'));
    await ageFile(path.join(root, 'shared', 'cli', 'cli-io.ts'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds the bundle on first use and runs the program from it', async () => {
    // Act
    const url = await prebuiltCli(root, cache);

    // Assess
    expect(await runBundle(url)).toBe(7);
    expect(url).toContain(`${cache}/build-`);
  });

  it('reuses the bundle while no source file has changed', async () => {
    // Prepare
    const first = await prebuiltCli(root, cache);

    // Act
    const second = await prebuiltCli(root, cache);

    // Assess
    expect(second).toBe(first);
    expect((await readdir(cache)).filter((name) => name.startsWith('build-'))).toHaveLength(1);
  });

  it('builds again once a source file has changed, so an edited checkout never runs stale code', async () => {
    // Prepare
    const first = await prebuiltCli(root, cache);
    await writeCheckout(root, 8);
    await ageFile(path.join(root, 'shared', 'cli', 'program.ts'));

    // Act
    const second = await prebuiltCli(root, cache);

    // Assess
    expect(second).not.toBe(first);
    expect(await runBundle(second)).toBe(8);
  });

  it('answers null when the sources do not build, so the caller runs them through tsx', async () => {
    // Prepare
    await writeFile(path.join(root, 'shared', 'cli', 'program.ts'), 'export async function runCli( {\n');

    // Act
    const url = await prebuiltCli(root, cache);

    // Assess
    expect(url).toBeNull();
  });
});
