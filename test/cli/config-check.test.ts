import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

describe('kaudit config check', () => {
  let directory: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    directory = await temporaryFileStore();
  });
  afterEach(() => directory.cleanup());

  it('exits 0 and says where the settings came from when every setting is valid', async () => {
    // Prepare
    await writeFile(path.join(directory.root, 'prod.yaml'), 'KAUDIT_STORE_URL: s3://audit-lake/k8s\nKAUDIT_REDACTION_EXTRAS: configmap-passwords\n');

    // Act
    const run = await runKaudit(['config', 'check', '--config', 'prod.yaml'], { cwd: directory.root, env: { AWS_REGION: 'eu-west-1' } });

    // Assess
    expect(run).toEqual({ exitCode: 0, stdout: 'settings valid: 3 set (1 from the environment, 2 from prod.yaml)\n', stderr: '' });
  });

  it('exits 2 listing every problem on its own line, naming the setting and the file it came from', async () => {
    // Prepare
    await writeFile(path.join(directory.root, 'prod.yaml'), 'KAUDIT_MAX_EVENT_BYTES: 4MB\nKAUDIT_STORE_URL: ftp://lake/prod\n');

    // Act
    const run = await runKaudit(['config', 'check', '--config', 'prod.yaml'], { cwd: directory.root, env: { KAUDIT_REDACTION_EXTRAS: 'shiny' } });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'kaudit: KAUDIT_MAX_EVENT_BYTES (from prod.yaml): expected a positive whole number of bytes, got "4MB"',
      expect.stringMatching(/^kaudit: KAUDIT_STORE_URL \(from prod\.yaml\): invalid store URL "ftp:\/\/lake\/prod": expected file:\/\/PATH/),
      expect.stringMatching(/^kaudit: KAUDIT_REDACTION_EXTRAS: unknown extra "shiny"/),
    ]);
  });

  it('checks the webhook tokens without printing one', async () => {
    // Prepare
    const env = { KAUDIT_WEBHOOK_TOKENS: '{"sh0rt-t0ken": {"cluster_name": "onprem-prod"}}' };

    // Act
    const run = await runKaudit(['config', 'check', '--json'], { cwd: directory.root, env });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      valid: false,
      problems: [{ setting: 'KAUDIT_WEBHOOK_TOKENS', from: 'environment', problem: expect.stringContaining('token 1 has 11 characters') }],
      set: [{ setting: 'KAUDIT_WEBHOOK_TOKENS', from: 'environment' }],
    });
    expect(run.stdout).not.toContain('sh0rt-t0ken');
  });

  it('checks the detection settings against the built-in pack', async () => {
    // Act
    const run = await runKaudit(['config', 'check'], { cwd: directory.root, env: { KAUDIT_DISABLED_RULES: 'pod-exec', KAUDIT_APPROVED_NETWORKS: '{"prod-eu": ["10.0.0.0/33"]}' } });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('kaudit: KAUDIT_APPROVED_NETWORKS: cluster "prod-eu": "10.0.0.0/33": the prefix length must be a whole number from 0 to 32');
    expect(run.stderr).toContain('kaudit: KAUDIT_DISABLED_RULES: "pod-exec" is not the id of a built-in rule');
  });

  it('loads KAUDIT_RULES as ingestion would, naming a rule file that does not load and what is wrong with it', async () => {
    // Prepare
    const rule = ['title: Correlated logins', 'id: 7d1c3a52-9a3f-4a9e-8f2b-2f0c6f1e9a10', 'correlation:', '  type: event_count', '  rules: [a]', ''].join('\n');
    await writeFile(path.join(directory.root, 'correlation.yml'), rule);

    // Act
    const run = await runKaudit(['config', 'check'], { cwd: directory.root, env: { KAUDIT_RULES: 'built-in,correlation.yml' } });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^kaudit: KAUDIT_RULES: .*correlation\.yml.*correlation/m);
  });

  it('accepts KAUDIT_RULES naming the built-in pack', async () => {
    // Act
    const run = await runKaudit(['config', 'check'], { cwd: directory.root, env: { KAUDIT_RULES: 'built-in' } });

    // Assess
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('exits 2 naming a settings file it cannot read', async () => {
    // Act
    const run = await runKaudit(['config', 'check', '--config', 'missing.yaml'], { cwd: directory.root });

    // Assess
    expect(run).toMatchObject({ exitCode: 2, stderr: 'kaudit: --config missing.yaml: cannot read: ENOENT\n' });
  });
});
