import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { storeSettingsOf } from '../../shared/store/store-settings.ts';

describe('storeSettingsOf', () => {
  it('defaults to four attempts of 30 s, AWS endpoints and their conditional writes, SSE-S3, no connection string and no managed identity endpoint', () => {
    // Act
    const settings = storeSettingsOf(configFromEnv({}));

    // Assess
    expect(settings).toEqual({
      maxAttempts: 4,
      attemptTimeoutMs: 30_000,
      s3: { region: null, endpoint: null, forcePathStyle: false, sseKmsKeyId: null, conditionalWrites: true },
      azureConnectionString: null,
      azureManagedIdentity: null,
    });
  });

  it('reads the Functions host’s managed identity endpoint, its header and AZURE_CLIENT_ID', () => {
    // Act
    const settings = storeSettingsOf(configFromEnv({ IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'secret', AZURE_CLIENT_ID: 'c1d0' }));

    // Assess
    expect(settings.azureManagedIdentity).toEqual({ endpoint: 'http://localhost:8081/msi/token', header: 'secret', clientId: 'c1d0' });
  });

  it.each([
    [{ IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token' }],
    [{ IDENTITY_HEADER: 'secret' }],
    [{ IDENTITY_ENDPOINT: 'http://localhost:8081/msi/token', IDENTITY_HEADER: 'secret', IDENTITY_SERVER_THUMBPRINT: '0123ABCD' }],
  ])('has no managed identity endpoint without both variables, or with Service Fabric’s: %j', (env) => {
    // Act
    const settings = storeSettingsOf(configFromEnv(env));

    // Assess
    expect(settings.azureManagedIdentity).toBeNull();
  });

  it('prefers the S3 endpoint to the all-services one, and AWS_REGION to AWS_DEFAULT_REGION', () => {
    // Act
    const settings = storeSettingsOf(
      configFromEnv({
        AWS_ENDPOINT_URL: 'http://localhost:4566',
        AWS_ENDPOINT_URL_S3: 'http://localhost:9000',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'us-east-2',
      }),
    );

    // Assess
    expect(settings.s3).toMatchObject({ endpoint: 'http://localhost:9000', region: 'eu-west-1' });
  });

  it.each([
    [{ AWS_ENDPOINT_URL_S3: 'http://localhost:9000' }, false],
    [{ AWS_ENDPOINT_URL_S3: 'http://localhost:9000', KAUDIT_S3_CONDITIONAL_WRITES: 'true' }, true],
    [{ KAUDIT_S3_CONDITIONAL_WRITES: 'false' }, false],
  ])('trusts conditional writes on AWS only, unless told: %j → %s', (env, expected) => {
    // Act
    const settings = storeSettingsOf(configFromEnv(env));

    // Assess
    expect(settings.s3.conditionalWrites).toBe(expected);
  });

  it('reads KAUDIT_S3_FORCE_PATH_STYLE=true, the KMS key and the retry settings', () => {
    // Act
    const settings = storeSettingsOf(
      configFromEnv({
        KAUDIT_S3_FORCE_PATH_STYLE: 'true',
        KAUDIT_S3_SSE_KMS_KEY_ID: 'alias/kaudit',
        KAUDIT_STORE_MAX_ATTEMPTS: '6',
        KAUDIT_STORE_TIMEOUT_MS: '5000',
      }),
    );

    // Assess
    expect(settings).toMatchObject({ maxAttempts: 6, attemptTimeoutMs: 5000, s3: { forcePathStyle: true, sseKmsKeyId: 'alias/kaudit' } });
  });

  it('treats an empty variable as unset', () => {
    // Act
    const settings = storeSettingsOf(configFromEnv({ KAUDIT_STORE_MAX_ATTEMPTS: '', AZURE_STORAGE_CONNECTION_STRING: '' }));

    // Assess
    expect(settings).toMatchObject({ maxAttempts: 4, azureConnectionString: null });
  });

  it.each([
    ['KAUDIT_STORE_MAX_ATTEMPTS', 'three'],
    ['KAUDIT_STORE_MAX_ATTEMPTS', '0'],
    ['KAUDIT_S3_FORCE_PATH_STYLE', 'sometimes'],
    ['AWS_ENDPOINT_URL_S3', 'localhost 9000'],
    ['IDENTITY_ENDPOINT', 'localhost 8081'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    // Act
    const read = () => storeSettingsOf(configFromEnv({ [name]: value }));

    // Assess
    expect(read).toThrow(name);
  });
});
