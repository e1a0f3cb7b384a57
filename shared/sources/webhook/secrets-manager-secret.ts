import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerReference } from './tokens-secret.ts';

/** Attempts per read, the first included: a cold start waits for them, a refresh keeps the old tokens meanwhile. */
const MAX_ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * The current version (`AWSCURRENT`) of a Secrets Manager secret, as text: one GetSecretValue with
 * the function's own credentials. Errors name the secret and Secrets Manager's answer, never the value.
 */
export async function readSecretsManagerSecret(reference: SecretsManagerReference): Promise<string> {
  const region = regionOfArn(reference.secretId);
  const client = new SecretsManagerClient({
    // An ARN names its region; a name is looked up in the function's own (AWS_REGION, which the SDK reads).
    ...(region ? { region } : {}),
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: REQUEST_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: reference.secretId }))).SecretString;
  } catch (error) {
    throw new Error(`Secrets Manager secret ${reference.secretId}: cannot read it: ${describe(error)}`, { cause: error });
  } finally {
    client.destroy();
  }
  if (text === undefined) throw new Error(`Secrets Manager secret ${reference.secretId}: holds binary data, expected the tokens JSON as text`);
  return text;
}

function regionOfArn(secretId: string): string | undefined {
  return secretId.startsWith('arn:') ? secretId.split(':')[3] : undefined;
}

/** `AccessDeniedException (HTTP 400): User … is not authorized to perform: secretsmanager:GetSecretValue …`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return `${error.name}${status ? ` (HTTP ${status})` : ''}: ${error.message || 'no message'}`;
}
