import { describe, expect, it } from 'vitest';
import { parseTokensSecretReference } from '../../../shared/sources/webhook/tokens-secret.ts';

const SETTING = 'KAUDIT_WEBHOOK_TOKENS_SECRET';

describe('the webhook tokens secret reference', () => {
  it.each([
    ['a secret name', 'kaudit-webhook-tokens'],
    ['a name with a path', 'kaudit/prod/webhook-tokens'],
    ['a complete ARN', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kaudit-webhook-tokens-AbCdEf'],
    ['an ARN of another partition', 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:kaudit-webhook-tokens'],
  ])('reads %s as a Secrets Manager secret, named as given', (_, value) => {
    // Act
    const reference = parseTokensSecretReference(value, SETTING);

    // Assess
    expect(reference).toEqual({ store: 'aws-secrets-manager', secretId: value });
  });

  it('reads a Key Vault secret URI, whose vault takes tokens for https://vault.azure.net', () => {
    // Act
    const reference = parseTokensSecretReference('https://kaudit-tokens-0042.vault.azure.net/secrets/kaudit-webhook-tokens', SETTING);

    // Assess
    expect(reference).toMatchObject({ store: 'azure-key-vault', audience: 'https://vault.azure.net' });
    expect(reference.store === 'azure-key-vault' && reference.url.href).toBe('https://kaudit-tokens-0042.vault.azure.net/secrets/kaudit-webhook-tokens');
  });

  it('keeps the version a Key Vault secret URI names', () => {
    // Act
    const reference = parseTokensSecretReference('https://kaudit-tokens-0042.vault.azure.net/secrets/kaudit-webhook-tokens/4387e9f3d6e14c459867679a90fd0f79', SETTING);

    // Assess
    expect(reference.store === 'azure-key-vault' && reference.url.pathname).toBe('/secrets/kaudit-webhook-tokens/4387e9f3d6e14c459867679a90fd0f79');
  });

  it('takes the audience of a sovereign cloud’s vault from its host name', () => {
    // Act
    const reference = parseTokensSecretReference('https://kaudit-tokens.vault.azure.cn/secrets/kaudit-webhook-tokens', SETTING);

    // Assess
    expect(reference).toMatchObject({ store: 'azure-key-vault', audience: 'https://vault.azure.cn' });
  });

  it.each([
    ['plain HTTP, which would carry the identity’s token in the clear', 'http://kaudit-tokens.vault.azure.net/secrets/kaudit-webhook-tokens', "the URL's scheme is http"],
    ['a host that is no vault', 'https://example.com/secrets/kaudit-webhook-tokens', 'example.com is no vault host'],
    ['a path that is no secret', 'https://kaudit-tokens.vault.azure.net/keys/kaudit-webhook-tokens', 'the URL is not /secrets/<name>[/<version>] of kaudit-tokens.vault.azure.net'],
    [
      'a query',
      'https://kaudit-tokens.vault.azure.net/secrets/kaudit-webhook-tokens?api-version=7.4',
      'the URL is not /secrets/<name>[/<version>] of kaudit-tokens.vault.azure.net',
    ],
  ])('refuses a Key Vault URI with %s, naming the setting and the expected form', (_, value, problem) => {
    // Act
    const parse = () => parseTokensSecretReference(value, SETTING);

    // Assess
    expect(parse).toThrow(`${SETTING}: expected a Key Vault secret URI, https://<vault>.vault.azure.net/secrets/<name>[/<version>]; ${problem}`);
  });

  it.each([
    ['an ARN of another service', 'arn:aws:ssm:eu-west-1:123456789012:parameter/kaudit-webhook-tokens'],
    ['a name with a space', 'kaudit webhook tokens'],
  ])('refuses %s, naming the forms it takes', (_, value) => {
    // Act
    const parse = () => parseTokensSecretReference(value, SETTING);

    // Assess
    expect(parse).toThrow(/^KAUDIT_WEBHOOK_TOKENS_SECRET: expected a Secrets Manager secret's ARN .* or name, or a Key Vault secret URI .*; the value is neither$/);
  });

  it('does not quote a value it refuses, which may be the tokens set in the wrong setting', () => {
    // Prepare
    const token = 'prod-token-5b1f0c9e2d7a4e3f';

    // Act
    const parse = () => parseTokensSecretReference(JSON.stringify({ [token]: { cluster_name: 'onprem-prod' } }), SETTING);

    // Assess
    expect(parse).toThrow(SETTING);
    expect(parse).not.toThrow(token);
  });
});
