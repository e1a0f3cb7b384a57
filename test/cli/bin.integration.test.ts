import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS, startS3rver, type TestServer } from '../helpers/servers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/kaudit.mjs');
const BUNDLE_STATE = path.resolve(import.meta.dirname, '../../node_modules/.cache/kaudit-cli/current.json');

describe('the kaudit command (bin/kaudit.mjs)', () => {
  let s3: TestServer;
  let cwd: string;
  beforeAll(async () => {
    s3 = await startS3rver(['audit-lake']);
    cwd = await mkdtemp(path.join(tmpdir(), 'kaudit-bin-'));
  });
  afterAll(async () => {
    await s3.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints no AWS SDK warning about the Node version when it uses an AWS client', async () => {
    // Prepare
    const env = { PATH: process.env.PATH, ...S3RVER_CREDENTIALS, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: s3.endpoint, KAUDIT_S3_FORCE_PATH_STYLE: 'true' };

    // Act
    const run = await promisify(execFile)(process.execPath, [BIN, 'query', '--store', 's3://audit-lake/k8s', '--since', '1h', 'SELECT count(*) AS n FROM events'], { cwd, env });

    // Assess
    expect(run.stdout).toContain('(1 row)');
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('runs from the prebuilt bundle, which records the sources it was built from', async () => {
    // Act
    const run = await promisify(execFile)(process.execPath, [BIN, '--version'], { cwd, env: { PATH: process.env.PATH } });

    // Assess
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const state = JSON.parse(await readFile(BUNDLE_STATE, 'utf8')) as { inputs: Record<string, unknown> };
    expect(Object.keys(state.inputs)).toEqual(expect.arrayContaining(['shared/cli/program.ts', 'shared/cli/commands/query.ts']));
  });
});
