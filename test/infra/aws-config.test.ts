import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_SIZE, loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';

/** CDK context as the CLI passes it: every `-c key=value` arrives as a string. */
function context(values: Record<string, string>): (key: string) => unknown {
  return (key) => values[key];
}

describe('AWS deployment configuration', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'kaudit-config-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('defaults to no clusters, SSE-S3, no Object Lock retention and the provisional function size', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({}));

    // Assess
    expect(config).toMatchObject({ clusters: [], lakeEncryption: 's3', memoryMb: DEFAULT_FUNCTION_SIZE.memoryMb, timeoutSeconds: DEFAULT_FUNCTION_SIZE.timeoutSeconds });
    expect(DEFAULT_FUNCTION_SIZE).toEqual({ memoryMb: 512, timeoutSeconds: 60 });
    expect(config.objectLockMode).toBeUndefined();
    expect(config.reservedConcurrency).toBeUndefined();
  });

  it('reads `-c clusters=a,b` as a list of cluster names', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ clusters: 'prod-eu, staging_eu,' }));

    // Assess
    expect(config.clusters).toEqual(['prod-eu', 'staging_eu']);
  });

  it('reads numbers given on the command line', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ memoryMb: '512', timeoutSeconds: '120', reservedConcurrency: '10' }));

    // Assess
    expect(config).toMatchObject({ memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 10 });
  });

  it('lets individual context values override the config file', () => {
    // Prepare
    const file = join(directory, 'kaudit.json');
    writeFileSync(file, JSON.stringify({ clusters: ['from-file'], memoryMb: 1024 }));

    // Act
    const config = loadAwsDeploymentConfig(context({ config: file, clusters: 'from-context' }));

    // Assess
    expect(config).toMatchObject({ clusters: ['from-context'], memoryMb: 1024 });
  });

  it('accepts the documented example config file', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ config: join(REPO_ROOT, 'infra/aws/kaudit.config.example.json') }));

    // Assess
    expect(config).toMatchObject({ clusters: ['prod-eu', 'staging-eu'], lakeEncryption: 'kms', objectLockMode: 'governance', objectLockDays: 365 });
  });

  it('names, in the example config file, a policy file that exists where cdk runs (infra/aws)', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ config: join(REPO_ROOT, 'infra/aws/kaudit.config.example.json') }));

    // Assess
    expect(existsSync(resolve(REPO_ROOT, 'infra/aws', String(config.auditPolicyFile)))).toBe(true);
  });

  it('rejects a name that cannot be an EKS cluster, naming the setting', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ clusters: 'prod/eu' }));

    // Assess
    expect(load).toThrow(/clusters/);
  });

  it('rejects a cluster listed twice', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ clusters: 'prod-eu,prod-eu' }));

    // Assess
    expect(load).toThrow(/listed twice/);
  });

  it('rejects an Object Lock mode without a retention period', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ objectLockMode: 'compliance' }));

    // Assess
    expect(load).toThrow(/objectLockMode and objectLockDays go together/);
  });

  it('rejects a misspelt key in the config file instead of ignoring it', () => {
    // Prepare
    const file = join(directory, 'kaudit.json');
    writeFileSync(file, JSON.stringify({ cluster: ['prod-eu'] }));

    // Act
    const load = () => loadAwsDeploymentConfig(context({ config: file }));

    // Assess
    expect(load).toThrow(/cluster/);
  });
});
