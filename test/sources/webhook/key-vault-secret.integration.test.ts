/**
 * The Key Vault reader against two loopback servers: one standing in for the Functions host's
 * identity endpoint (IDENTITY_ENDPOINT), one for the vault.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../shared/config/read-config.ts';
import { readKeyVaultSecret } from '../../../shared/sources/webhook/key-vault-secret.ts';
import type { KeyVaultReference } from '../../../shared/sources/webhook/tokens-secret.ts';
import { type StubServer, startStubServer } from '../../helpers/stub-server.ts';

const TOKENS = JSON.stringify({ 'prod-token-5b1f0c9e2d7a4e3f': { cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' } });
const IDENTITY_HEADER = 'identity-header-7f3a9c';
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.vault-token';
const SECRET_PATH = '/secrets/kaudit-webhook-tokens';

/** A Key Vault GET answer, as the vault gives it. */
function secretBundle(value: string): unknown {
  return { value, id: `https://kaudit-tokens.vault.azure.net${SECRET_PATH}/4387e9f3d6e14c459867679a90fd0f79`, attributes: { enabled: true } };
}

describe('readKeyVaultSecret', () => {
  let identity: StubServer;
  let vault: StubServer;
  let env: NodeJS.ProcessEnv;
  let reference: KeyVaultReference;
  beforeEach(async () => {
    identity = await startStubServer(() => ({ status: 200, body: { access_token: ACCESS_TOKEN, expires_on: '1900000000', token_type: 'Bearer' } }));
    vault = await startStubServer(() => ({ status: 200, body: secretBundle(TOKENS) }));
    env = { IDENTITY_ENDPOINT: `${identity.endpoint}/msi/token`, IDENTITY_HEADER };
    reference = { store: 'azure-key-vault', url: new URL(`${vault.endpoint}${SECRET_PATH}`), audience: 'https://vault.azure.net' };
  });
  afterEach(async () => {
    await identity.stop();
    await vault.stop();
  });

  it('returns the secret’s value', async () => {
    // Act
    const text = await readKeyVaultSecret(reference, configFromEnv(env));

    // Assess
    expect(text).toBe(TOKENS);
  });

  it('asks the identity endpoint for a token for the vault audience, without a trailing slash', async () => {
    // Act
    await readKeyVaultSecret(reference, configFromEnv(env));

    // Assess
    expect(identity.requests.map((request) => request.url.searchParams.get('resource'))).toEqual(['https://vault.azure.net']);
    expect(identity.requests[0]?.headers['x-identity-header']).toBe(IDENTITY_HEADER);
  });

  it('GETs the secret with API version 7.4 and the identity’s token', async () => {
    // Act
    await readKeyVaultSecret(reference, configFromEnv(env));

    // Assess
    expect(vault.requests.map((request) => [request.method, request.url.pathname, request.url.searchParams.get('api-version')])).toEqual([['GET', SECRET_PATH, '7.4']]);
    expect(vault.requests[0]?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('asks for the token of the user-assigned identity AZURE_CLIENT_ID names', async () => {
    // Act
    await readKeyVaultSecret(reference, configFromEnv({ ...env, AZURE_CLIENT_ID: '00000000-0000-0000-0000-00000000c1d0' }));

    // Assess
    expect(identity.requests[0]?.url.searchParams.get('client_id')).toBe('00000000-0000-0000-0000-00000000c1d0');
  });

  it('names the secret and the vault’s error when the identity may not read it, quoting neither token', async () => {
    // Prepare
    vault.answer(() => ({
      status: 403,
      body: { error: { code: 'Forbidden', message: 'Caller is not authorized to perform action on resource.', innererror: { code: 'ForbiddenByRbac' } } },
    }));

    // Act
    const error = (await readKeyVaultSecret(reference, configFromEnv(env)).catch((caught: unknown) => caught)) as Error;

    // Assess
    expect(error.message).toBe(`Key Vault secret ${reference.url.href}: HTTP 403: Forbidden (ForbiddenByRbac): Caller is not authorized to perform action on resource.`);
    expect(error.message).not.toContain(ACCESS_TOKEN);
  });

  it('refuses an answer without a secret value, without quoting the body', async () => {
    // Prepare: a body that is not the JSON expected, and holds the tokens.
    vault.answer(() => ({ status: 200, body: `value=${TOKENS}` }));

    // Act
    const error = (await readKeyVaultSecret(reference, configFromEnv(env)).catch((caught: unknown) => caught)) as Error;

    // Assess
    expect(error.message).toBe(`Key Vault secret ${reference.url.href}: HTTP 200 with no secret value: expected a JSON body with a "value" string`);
  });

  it('names the identity endpoint’s failure when no token is to be had', async () => {
    // Prepare
    identity.answer(() => ({ status: 400, body: { statusCode: 400, message: 'No managed identity found for the app.' } }));

    // Act
    const reading = readKeyVaultSecret(reference, configFromEnv(env));

    // Assess
    await expect(reading).rejects.toThrow(`Key Vault secret ${reference.url.href}: no token for https://vault.azure.net: managed identity endpoint`);
    expect(vault.requests).toEqual([]);
  });

  it('says to enable the app’s managed identity when the host provides no identity endpoint', async () => {
    // Act
    const reading = readKeyVaultSecret(reference, configFromEnv({}));

    // Assess
    await expect(reading).rejects.toThrow("cannot read it without the app's managed identity: enable it, so the host sets IDENTITY_ENDPOINT and IDENTITY_HEADER");
  });
});
