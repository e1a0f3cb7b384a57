import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { azureHttpRequest, azureHttpResponse } from '../../shared/webhook/host-requests.ts';
import { handleWebhookRequest, type WebhookReceiver } from '../../shared/webhook/webhook-core.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import { webhookReceiverFromEnv } from '../../shared/webhook/webhook-settings.ts';

let receiver: Promise<WebhookReceiver> | undefined;

/** The audit webhook receiver as an Azure Functions HTTP function (anonymous: the bearer token is checked here). */
export async function webhookHttpHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  receiver ??= webhookReceiverFromEnv(process.env, (message, fields) => context.error(JSON.stringify({ message, ...fields })));
  const response = await handleWebhookRequest(azureHttpRequest(request), await receiver);
  context.info(JSON.stringify({ message: 'kaudit webhook request', status: response.status, invocationId: context.invocationId }));
  return azureHttpResponse(response);
}

// Opt-in: an app deployed for AKS alone, without webhook tokens, exposes no anonymous HTTP endpoint.
if (process.env[SETTINGS.webhookTokens]) {
  app.http('kaudit-webhook', {
    methods: ['GET', 'HEAD', 'POST'],
    authLevel: 'anonymous',
    // Every path under the route prefix (/api/…): kube-apiserver may POST to any path, /api/healthz answers probes.
    route: '{*path}',
    handler: webhookHttpHandler,
  });
}
