import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { functionUrlRequest, functionUrlResult } from '../../shared/webhook/host-requests.ts';
import { readSecretsManagerSecret } from '../../shared/webhook/secrets-manager-secret.ts';
import { answerWebhookRequest, builtOnFirstUse, webhookReceiverFromEnv } from '../../shared/webhook/webhook-settings.ts';

const logger = new Logger({ serviceName: 'kaudit-webhook' });
const receiver = builtOnFirstUse(() =>
  webhookReceiverFromEnv(process.env, (message, fields) => logger.error(message, fields), { 'aws-secrets-manager': readSecretsManagerSecret }),
);

/**
 * The audit webhook receiver behind a Lambda Function URL (auth type NONE: the bearer token is
 * checked here, against the tokens of the Secrets Manager secret KAUDIT_WEBHOOK_TOKENS_SECRET names,
 * or of KAUDIT_WEBHOOK_TOKENS).
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> {
  const response = await answerWebhookRequest(functionUrlRequest(event), await receiver());
  logger.info('kaudit webhook request', { status: response.status, path: event.rawPath, requestId: event.requestContext.requestId });
  return functionUrlResult(response);
}
