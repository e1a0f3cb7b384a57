/** The Azure Functions webhook host with its tokens in Key Vault (KAUDIT_WEBHOOK_TOKENS_SECRET). */
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { temporaryFileStore } from '../../helpers/lake.ts';

const KEY_VAULT_SECRET = 'https://kaudit-tokens-0042.vault.azure.net/secrets/kaudit-webhook-tokens';

describe('the Azure webhook function with its tokens in a secret store', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    vi.stubEnv('KAUDIT_STORE_URL', lake.url);
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', '');
    vi.resetModules();
  });
  afterEach(async () => {
    vi.doUnmock('@azure/functions');
    vi.unstubAllEnvs();
    await lake.cleanup();
  });

  it('is registered when the app names a Key Vault secret and has no KAUDIT_WEBHOOK_TOKENS', async () => {
    // Prepare
    const registered: string[] = [];
    vi.doMock('@azure/functions', async (original) => ({ ...(await original<object>()), app: { http: (name: string) => void registered.push(name) } }));
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS_SECRET', KEY_VAULT_SECRET);

    // Act
    await import('../../../functions/webhook/azure.ts');

    // Assess
    expect(registered).toEqual(['kaudit-webhook']);
  });

  it('refuses a Secrets Manager secret, which an Azure function cannot read', async () => {
    // Prepare
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS_SECRET', 'kaudit-webhook-tokens');
    const { webhookHttpHandler } = await import('../../../functions/webhook/azure.ts');
    const request = new HttpRequest({ method: 'POST', url: 'https://kaudit.azurewebsites.net/api/audit', headers: { authorization: 'Bearer prod-token-5b1f0c9e2d7a4e3f' } });

    // Act
    const answering = webhookHttpHandler(request, new InvocationContext());

    // Assess
    await expect(answering).rejects.toThrow('KAUDIT_WEBHOOK_TOKENS_SECRET names a Secrets Manager secret, which this function cannot read');
  });
});
