import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSecretsManagerSecret } from '../../../shared/sources/webhook/secrets-manager-secret.ts';

const TOKENS = JSON.stringify({ 'prod-token-5b1f0c9e2d7a4e3f': { cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' } });
const ARN = 'arn:aws:secretsmanager:us-east-2:123456789012:secret:kaudit-webhook-tokens-AbCdEf';

describe('readSecretsManagerSecret', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  beforeEach(() => {
    secretsManager.reset();
    // The function's own region, as Lambda sets it.
    vi.stubEnv('AWS_REGION', 'eu-west-1');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('returns the current version of the named secret, as text', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: 'kaudit-webhook-tokens' }).resolves({ SecretString: TOKENS });

    // Act
    const text = await readSecretsManagerSecret({ store: 'aws-secrets-manager', secretId: 'kaudit-webhook-tokens' });

    // Assess
    expect(text).toBe(TOKENS);
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: 'kaudit-webhook-tokens' }]);
  });

  it('asks the region an ARN names, not the function’s own', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: TOKENS });

    // Act
    await readSecretsManagerSecret({ store: 'aws-secrets-manager', secretId: ARN });

    // Assess
    const [call] = secretsManager.commandCalls(GetSecretValueCommand);
    expect(await (call?.thisValue as SecretsManagerClient | undefined)?.config.region()).toBe('us-east-2');
  });

  it('names the secret and Secrets Manager’s answer when it cannot read it', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } }));

    // Act
    const reading = readSecretsManagerSecret({ store: 'aws-secrets-manager', secretId: 'kaudit-webhook-tokens' });

    // Assess
    await expect(reading).rejects.toThrow(
      "Secrets Manager secret kaudit-webhook-tokens: cannot read it: ResourceNotFoundException (HTTP 400): Secrets Manager can't find the specified secret.",
    );
  });

  it('refuses a secret that holds binary data, without quoting it', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode(TOKENS) });

    // Act
    const reading = readSecretsManagerSecret({ store: 'aws-secrets-manager', secretId: 'kaudit-webhook-tokens' });

    // Assess
    await expect(reading).rejects.toThrow(/^Secrets Manager secret kaudit-webhook-tokens: holds binary data, expected the tokens JSON as text$/);
  });
});
