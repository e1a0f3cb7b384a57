import { describe, expect, it } from 'vitest';
import { runKaudit } from '../helpers/cli.ts';

const COMMANDS = [
  'ingest',
  'tail',
  'query',
  'search',
  'redrive',
  'serve',
  'ui',
  'backfill eks',
  'backfill aks',
  'policy check',
  'policy eval',
  'rules check',
  'detect',
  'compact',
  'config check',
];

describe('kaudit <command> --help', () => {
  it.each(COMMANDS)('kaudit %s --help shows examples and the exit codes', async (command) => {
    // Act
    const run = await runKaudit([...command.split(' '), '--help'], { cwd: process.cwd() });

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/\nExamples:\n {2}(# .*\n {2})?kaudit /);
    expect(run.stdout).toMatch(/\nExit status:\n {2}0 {2}/);
  });

  it('names the setting each shared option stands for', async () => {
    // Act
    const run = await runKaudit(['ingest', '--help'], { cwd: process.cwd() });

    // Assess
    expect(run.stdout).toContain('$KAUDIT_STORE_URL');
    expect(run.stdout).toContain('$KAUDIT_POLICY');
    expect(run.stdout).toContain('$AWS_REGION');
  });
});
