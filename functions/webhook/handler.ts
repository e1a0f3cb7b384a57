import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { functionUrlRequest, functionUrlResult } from '../../shared/sources/webhook/host-requests.ts';
import type { SecretsManagerReference } from '../../shared/sources/webhook/tokens-secret.ts';
import { answerWebhookRequest, builtOnFirstUse, functionWebhookReceiver } from '../../shared/sources/webhook/webhook-settings.ts';

const logger = new Logger({ serviceName: 'kaudit-webhook' });

/**
 * Loaded when first needed, as the store loads the S3 client: both share most of the AWS SDK, which
 * a static import here would evaluate while the module loads rather than once, at the first request.
 */
async function readSecretsManagerSecret(reference: SecretsManagerReference): Promise<string> {
  return (await import('../../shared/sources/webhook/secrets-manager-secret.ts')).readSecretsManagerSecret(reference);
}

const receiver = builtOnFirstUse(() =>
  functionWebhookReceiver(configFromEnv(process.env), (message, fields) => logger.error(message, fields), { 'aws-secrets-manager': readSecretsManagerSecret }),
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
