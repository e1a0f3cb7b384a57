/**
 * The Lambda webhook function reading its tokens from Secrets Manager (KAUDIT_WEBHOOK_TOKENS_SECRET),
 * as the CDK stack deploys it, with the SDK's client mocked.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';

const SECRET = 'kaudit-webhook-tokens';
const PROD_TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';
const STAGING_TOKEN = 'staging-token-0a9c3e6f1b2d';

function tokensJson(entries: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(entries).map(([token, cluster]) => [token, { cluster_name: cluster, cluster_id: `dc1/${cluster}` }])));
}

function post(token: string): LambdaFunctionURLEvent {
  return {
    rawPath: '/',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(eventList([auditEvent()])),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' }, requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' },
  } as unknown as LambdaFunctionURLEvent;
}

/** The Lambda handler as a cold start loads it. */
async function coldStart() {
  vi.resetModules();
  return (await import('../../../functions/webhook/handler.ts')).handler;
}

describe('the webhook function with its tokens in Secrets Manager', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    secretsManager.reset();
    lake = await temporaryFileStore();
    vi.stubEnv('KAUDIT_STORE_URL', lake.url);
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', '');
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS_SECRET', SECRET);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-20T14:00:00Z') });
  });
  afterEach(async () => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    await lake.cleanup();
  });

  it('stores a batch as the cluster of a token the secret holds', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod' }) });
    const handler = await coldStart();

    // Act
    const result = await handler(post(PROD_TOKEN));

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect((await readRows(lake.url, 'events/v1/')).map((row) => row.cluster_id)).toEqual(['dc1/onprem-prod']);
  });

  it('accepts a token added to the secret after the cold start, without another cold start', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod' }) });
    const handler = await coldStart();
    await handler(post(PROD_TOKEN));
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod', [STAGING_TOKEN]: 'onprem-staging' }) });
    vi.advanceTimersByTime(60_000);

    // Act
    const result = await handler(post(STAGING_TOKEN));

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('answers 401 to a token the secret does not hold', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod' }) });
    const handler = await coldStart();

    // Act
    const result = await handler(post(STAGING_TOKEN));

    // Assess
    expect(result).toMatchObject({ statusCode: 401 });
  });

  it('fails a request while the secret cannot be read, and reads it again at the next request', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('connect ETIMEDOUT'))
      .resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod' }) });
    const handler = await coldStart();

    // Act
    const first = handler(post(PROD_TOKEN));
    await expect(first).rejects.toThrow(`Secrets Manager secret ${SECRET}: cannot read it: Error: connect ETIMEDOUT`);
    const second = await handler(post(PROD_TOKEN));

    // Assess
    expect(second).toMatchObject({ statusCode: 200 });
  });

  it('fails the cold start on a secret that is not a tokens document, without quoting it', async () => {
    // Prepare: a document cut short, as a hand edit may leave it.
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: tokensJson({ [PROD_TOKEN]: 'onprem-prod' }).slice(0, -2) });
    const handler = await coldStart();

    // Act
    const error = (await handler(post(PROD_TOKEN)).catch((caught: unknown) => caught)) as Error;

    // Assess
    expect(error.message).toBe(`KAUDIT_WEBHOOK_TOKENS_SECRET (${SECRET}): tokens are not valid JSON`);
  });

  it('refuses to start with both KAUDIT_WEBHOOK_TOKENS_SECRET and KAUDIT_WEBHOOK_TOKENS set', async () => {
    // Prepare
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', tokensJson({ [STAGING_TOKEN]: 'onprem-staging' }));
    const handler = await coldStart();

    // Act
    const invocation = handler(post(STAGING_TOKEN));

    // Assess
    await expect(invocation).rejects.toThrow('KAUDIT_WEBHOOK_TOKENS_SECRET and KAUDIT_WEBHOOK_TOKENS are both set: set one');
  });

  it('refuses a Key Vault secret, which a Lambda function cannot read', async () => {
    // Prepare
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS_SECRET', 'https://kaudit-tokens.vault.azure.net/secrets/kaudit-webhook-tokens');
    const handler = await coldStart();

    // Act
    const invocation = handler(post(PROD_TOKEN));

    // Assess
    await expect(invocation).rejects.toThrow('KAUDIT_WEBHOOK_TOKENS_SECRET names a Key Vault secret, which this function cannot read');
  });
});
