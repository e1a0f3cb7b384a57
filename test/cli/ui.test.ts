import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('kaudit ui flags', () => {
  let directory: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeAll(async () => {
    directory = await temporaryFileStore();
  });
  afterAll(() => directory.cleanup());

  it('refuses --host without --token-file, before listening', async () => {
    // Act
    const run = await runKaudit(['ui', '--host', '0.0.0.0'], { cwd: directory.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('kaudit: --host needs --token-file: off the default address, every request must carry a token\n');
  });

  it('refuses a token file holding too short a token, without quoting it', async () => {
    // Arrange
    await writeFile(path.join(directory.root, 'token'), 'short-secret\n');

    // Act
    const run = await runKaudit(['ui', '--host', '0.0.0.0', '--token-file', 'token'], { cwd: directory.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/must hold one token of at least 16 characters/);
    expect(run.stderr).not.toContain('short-secret');
  });

  it('refuses a port out of range', async () => {
    // Act
    const run = await runKaudit(['ui', '--port', '70000'], { cwd: directory.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('kaudit: --port: expected 0 to 65535, got "70000"\n');
  });
});
