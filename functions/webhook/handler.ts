import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { functionUrlRequest, functionUrlResult } from '../../shared/webhook/host-requests.ts';
import { handleWebhookRequest, type WebhookReceiver } from '../../shared/webhook/webhook-core.ts';
import { webhookReceiverFromEnv } from '../../shared/webhook/webhook-settings.ts';

const logger = new Logger({ serviceName: 'kaudit-webhook' });
let receiver: Promise<WebhookReceiver> | undefined;

/**
 * The audit webhook receiver behind a Lambda Function URL (auth type NONE: the bearer token is
 * checked here, against KAUDIT_WEBHOOK_TOKENS).
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  receiver ??= webhookReceiverFromEnv(process.env, (message, fields) => logger.error(message, fields));
  const response = await handleWebhookRequest(functionUrlRequest(event), await receiver);
  logger.info('kaudit webhook request', { status: response.status, path: event.rawPath, requestId: event.requestContext.requestId });
  return functionUrlResult(response);
}
