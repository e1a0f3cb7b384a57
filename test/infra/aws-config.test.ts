import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FUNCTION_SIZE, DEFAULT_OBJECT_LOCK, DEFAULT_RESERVED_CONCURRENCY, loadAwsDeploymentConfig } from '../../infra/aws/config.ts';
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

  it('defaults to no clusters, SSE-S3 and the provisional function size', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({}));

    // Assess
    expect(config).toMatchObject({ clusters: [], lakeEncryption: 's3', memoryMb: DEFAULT_FUNCTION_SIZE.memoryMb, timeoutSeconds: DEFAULT_FUNCTION_SIZE.timeoutSeconds });
    expect(DEFAULT_FUNCTION_SIZE).toEqual({ memoryMb: 512, timeoutSeconds: 60 });
  });

  it('defaults to a year of governance-mode Object Lock retention', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({}));

    // Assess
    expect(config).toMatchObject({ objectLockMode: 'governance', objectLockDays: 365 });
    expect(DEFAULT_OBJECT_LOCK).toEqual({ mode: 'governance', days: 365 });
  });

  it('sizes and schedules the lake jobs by default: 2 GB, 15 minutes, 4 GB of /tmp, hourly', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({}));

    // Assess
    expect(config).toMatchObject({
      jobMemoryMb: 2048,
      jobTimeoutSeconds: 900,
      jobEphemeralStorageMb: 4096,
      compactionSchedule: 'cron(5 * * * ? *)',
      analyticsSchedule: 'cron(20 * * * ? *)',
      compactionBacklogHours: 3,
    });
  });

  it('refuses a schedule that is not a Scheduler expression, and a job timeout that leaves compaction no hour to start', () => {
    // Act
    const badSchedule = () => loadAwsDeploymentConfig(context({ compactionSchedule: '5 * * * *' }));
    const shortTimeout = () => loadAwsDeploymentConfig(context({ jobTimeoutSeconds: '300' }));

    // Assess
    expect(badSchedule).toThrow('not a Scheduler expression: cron(5 * * * ? *), rate(1 hour)');
    expect(shortTimeout).toThrow('jobTimeoutSeconds');
  });

  it('reserves 20 executions for the ingest function and 10 for the webhook by default', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({}));

    // Assess
    expect(config).toMatchObject({ reservedConcurrency: 20, webhookReservedConcurrency: 10 });
    expect(DEFAULT_RESERVED_CONCURRENCY).toEqual({ ingest: 20, webhook: 10 });
  });

  it('reads `none` as no reserved concurrency', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ reservedConcurrency: 'none', webhookReservedConcurrency: 'none' }));

    // Assess
    expect(config).toMatchObject({ reservedConcurrency: null, webhookReservedConcurrency: null });
  });

  it('rejects a reserved concurrency of 0, which would stop the function', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ reservedConcurrency: '0' }));

    // Assess
    expect(load).toThrow(/reservedConcurrency/);
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

  it('rejects an unknown redaction extra at synthesis, naming it', () => {
    // Assess
    expect(() => loadAwsDeploymentConfig(context({ redactionExtras: 'configmap-passwords,secret-sauce' }))).toThrow(/unknown extra "secret-sauce"[\s\S]*at redactionExtras/);
  });

  it('rejects a cluster listed twice', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ clusters: 'prod-eu,prod-eu' }));

    // Assess
    expect(load).toThrow(/listed twice/);
  });

  it('reads objectLockMode=none as no default retention', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ objectLockMode: 'none' }));

    // Assess
    expect(config.objectLockMode).toBe('none');
  });

  it('rejects lake expiration before the Object Lock retention ends', () => {
    // Act
    const load = () => loadAwsDeploymentConfig(context({ objectLockDays: '400', lakeExpirationDays: '365' }));

    // Assess
    expect(load).toThrow(/lakeExpirationDays is shorter than objectLockDays/);
  });

  it('expires lake objects as configured when Object Lock retention is off', () => {
    // Act
    const config = loadAwsDeploymentConfig(context({ objectLockMode: 'none', lakeExpirationDays: '30' }));

    // Assess
    expect(config.lakeExpirationDays).toBe(30);
  });

  it('rejects a config file that still names the webhook secret’s version, which the function now reads itself', () => {
    // Prepare
    const file = join(directory, 'kaudit.json');
    writeFileSync(file, JSON.stringify({ webhook: true, webhookTokensSecretVersion: '0b7e1c2a-3f4d-4e5a-9b6c-7d8e9f0a1b2c' }));

    // Act
    const load = () => loadAwsDeploymentConfig(context({ config: file }));

    // Assess
    expect(load).toThrow(/webhookTokensSecretVersion/);
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
