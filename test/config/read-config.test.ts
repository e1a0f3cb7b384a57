import { describe, expect, it } from 'vitest';
import { awsRegionOf, storeUrlOf } from '../../shared/config/config-views.ts';
import { ConfigurationError, configFromEnv, loadConfig, readConfig } from '../../shared/config/read-config.ts';

const FILE = { file: 'prod.yaml', values: { KAUDIT_STORE_URL: 's3://from-file/k8s', KAUDIT_MAX_EVENT_BYTES: '1048576' } };

describe('readConfig', () => {
  it('gives every default when nothing is set', () => {
    // Act
    const config = configFromEnv({});

    // Assess
    expect(config).toMatchObject({ storeUrl: null, redaction: 'on', storeMaxAttempts: 4, maxEventBytes: 4 * 1024 * 1024, cacheDir: '.kaudit-cache', s3ForcePathStyle: false });
    expect(storeUrlOf(config)).toBe('file://./kaudit-data');
  });

  it('takes a flag over the environment, the environment over the file, the file over the default', () => {
    // Act
    const config = loadConfig({
      env: { KAUDIT_STORE_URL: 's3://from-env/k8s', AWS_REGION: 'eu-west-1' },
      file: FILE,
      flags: { awsRegion: { flag: '--region', value: 'us-east-1' } },
    });

    // Assess
    expect([config.awsRegion, config.storeUrl, config.maxEventBytes, config.maxRecordsPerBatch]).toEqual(['us-east-1', 's3://from-env/k8s', 1_048_576, 100_000]);
  });

  it('treats an empty value as unset, falling through to the next source', () => {
    // Act
    const config = loadConfig({ env: { KAUDIT_STORE_URL: '' }, file: FILE, flags: { storeUrl: { flag: '--store', value: ' ' } } });

    // Assess
    expect(config.storeUrl).toBe('s3://from-file/k8s');
  });

  it('lists every problem, each naming its setting, where it came from and what was expected', () => {
    // Act
    const reading = readConfig({ env: { KAUDIT_REDACTION: 'maybe', KAUDIT_STORE_MAX_ATTEMPTS: '11' }, file: { file: 'prod.yaml', values: { KAUDIT_MAX_EVENT_BYTES: '4MB' } } });

    // Assess
    expect('problems' in reading && reading.problems.map((problem) => new ConfigurationError([problem]).message)).toEqual([
      'KAUDIT_REDACTION: expected on or off, got "maybe"',
      'KAUDIT_STORE_MAX_ATTEMPTS: expected a whole number from 1 to 10, got "11"',
      'KAUDIT_MAX_EVENT_BYTES (from prod.yaml): expected a positive whole number of bytes, got "4MB"',
    ]);
  });

  it('reads a duration setting as milliseconds and a seconds setting with its fraction', () => {
    // Act
    const config = configFromEnv({ KAUDIT_COMPACT_GRACE: '90m', KAUDIT_FLUSH_SECONDS: '0.5' });

    // Assess
    expect([config.compactGrace, config.flushSeconds]).toEqual([90 * 60_000, 0.5]);
  });

  it('refuses a duration without its unit and a flush interval of 0 seconds', () => {
    // Act
    const reading = readConfig({ env: { KAUDIT_COMPACT_GRACE: '90', KAUDIT_FLUSH_SECONDS: '0' } });

    // Assess
    expect('problems' in reading && reading.problems.map((problem) => new ConfigurationError([problem]).message)).toEqual([
      'KAUDIT_COMPACT_GRACE: expected a duration such as 90m, 2h or 1d, got "90"',
      'KAUDIT_FLUSH_SECONDS: expected a number of seconds, more than 0 and at most 3600, got "0"',
    ]);
  });

  it('names a flag a bad value came from', () => {
    // Act
    const load = () => loadConfig({ env: {}, flags: { webhookMaxBodyBytes: { flag: '--max-body', value: 'big' } } });

    // Assess
    expect(load).toThrow('KAUDIT_WEBHOOK_MAX_BODY_BYTES (from --max-body): expected a positive whole number of bytes, got "big"');
  });

  it('refuses approved networks that are not a JSON object of network lists', () => {
    // Act
    const load = () => configFromEnv({ KAUDIT_APPROVED_NETWORKS: '["10.0.0.0/8"]' });

    // Assess
    expect(load).toThrow(/^KAUDIT_APPROVED_NETWORKS: expected a JSON object mapping each cluster name to a non-empty list of networks/);
  });

  it('keeps a policy document as written, so its line breaks still tell it from a path', () => {
    // Act
    const config = configFromEnv({ KAUDIT_POLICY: 'apiVersion: audit.k8s.io/v1\nkind: Policy\n' });

    // Assess
    expect(config.policy).toBe('apiVersion: audit.k8s.io/v1\nkind: Policy\n');
  });
});

describe('awsRegionOf', () => {
  it.each([
    [{ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, 'eu-west-1'],
    [{ AWS_DEFAULT_REGION: 'us-east-1' }, 'us-east-1'],
    [{}, null],
  ])('is AWS_REGION, else AWS_DEFAULT_REGION, else none: %j', (env, region) => {
    // Act
    const found = awsRegionOf(configFromEnv(env));

    // Assess
    expect(found).toBe(region);
  });
});
