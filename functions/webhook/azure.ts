import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { configFromEnv, readConfig } from '../../shared/config/read-config.ts';
import type { KauditConfig } from '../../shared/config/settings-schema.ts';
import { azureHttpRequest, azureHttpResponse } from '../../shared/sources/webhook/host-requests.ts';
import type { KeyVaultReference } from '../../shared/sources/webhook/tokens-secret.ts';
import { answerWebhookRequest, builtOnFirstUse, type FunctionWebhookReceiver, functionWebhookReceiver } from '../../shared/sources/webhook/webhook-settings.ts';

let receiver: (() => Promise<FunctionWebhookReceiver>) | undefined;

/**
 * Loaded when first needed, as the store loads the Blob client: the Event Hubs function of the same
 * app never pays for what only the webhook reads.
 */
async function readKeyVaultSecret(reference: KeyVaultReference, config: KauditConfig): Promise<string> {
  return (await import('../../shared/sources/webhook/key-vault-secret.ts')).readKeyVaultSecret(reference, config);
}

/**
 * The audit webhook receiver as an Azure Functions HTTP function (anonymous: the bearer token is
 * checked here, against the tokens of the Key Vault secret KAUDIT_WEBHOOK_TOKENS_SECRET names, or
 * of KAUDIT_WEBHOOK_TOKENS).
 */
export async function webhookHttpHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  receiver ??= builtOnFirstUse(() =>
    functionWebhookReceiver(configFromEnv(process.env), (message, fields) => context.error(JSON.stringify({ message, ...fields })), { 'azure-key-vault': readKeyVaultSecret }),
  );
  const response = await answerWebhookRequest(azureHttpRequest(request), await receiver());
  context.info(JSON.stringify({ message: 'kaudit webhook request', status: response.status, invocationId: context.invocationId }));
  return azureHttpResponse(response);
}

/**
 * Opt-in: an app deployed for AKS alone, without webhook tokens, exposes no anonymous HTTP endpoint.
 * Settings that cannot be read expose none either; the Event Hubs function's cold start names them.
 */
function webhookConfigured(): boolean {
  const reading = readConfig({ env: process.env });
  return 'config' in reading && (reading.config.webhookTokensSecret !== null || reading.config.webhookTokens !== null);
}

if (webhookConfigured()) {
  app.http('kaudit-webhook', {
    methods: ['GET', 'HEAD', 'POST'],
    authLevel: 'anonymous',
    // Every path under the route prefix (/api/…): kube-apiserver may POST to any path, /api/healthz answers probes.
    route: '{*path}',
    handler: webhookHttpHandler,
  });
}
