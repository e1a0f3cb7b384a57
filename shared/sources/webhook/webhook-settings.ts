import { readFile } from 'node:fs/promises';
import type { KauditConfig } from '../../config/settings-schema.ts';
import { fileErrorOf } from '../../core/errors.ts';
import { SETTINGS } from '../../core/settings.ts';
import { functionRuntime } from '../../runtime/function-runtime.ts';
import { fixedTokens, RefreshingTokens, SECRET_REFRESH, type TokenSource } from './token-source.ts';
import { bearerToken, parseTokenTable, type TokenTable } from './tokens.ts';
import { type KeyVaultReference, parseTokensSecretReference, type SecretsManagerReference, type TokensSecretReference } from './tokens-secret.ts';
import { handleWebhookRequest, type WebhookReceiver, type WebhookRequest, type WebhookResponse } from './webhook-core.ts';

/** The tokens file of `kaudit serve --tokens FILE`. */
export async function readTokenFile(path: string): Promise<TokenTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the tokens file: ${fileErrorOf(error)}`);
  }
  return parseTokenTable(text, path);
}

/**
 * The tokens of `KAUDIT_WEBHOOK_TOKENS`, for self-hosting: the JSON itself or, when it does not
 * start with `{`, the path of a tokens file.
 */
async function tokenTableOf(config: KauditConfig): Promise<TokenTable> {
  const value = config.webhookTokens;
  if (!value) {
    throw new Error(
      `${SETTINGS.webhookTokens} is not set: the webhook receiver would accept no cluster. Set ${SETTINGS.webhookTokensSecret} to the secret holding the tokens ` +
        `(a Secrets Manager secret's ARN or name, or a Key Vault secret URI), or ${SETTINGS.webhookTokens} to the tokens JSON or the path of a tokens file`,
    );
  }
  return value.startsWith('{') ? parseTokenTable(value, SETTINGS.webhookTokens) : readTokenFile(value);
}

/**
 * How a function reads a secret store, by store. Each host passes its own cloud's reader only, so
 * its bundle carries no other cloud's client.
 */
export interface TokensSecretReaders {
  'aws-secrets-manager'?: (reference: SecretsManagerReference, config: KauditConfig) => Promise<string>;
  'azure-key-vault'?: (reference: KeyVaultReference, config: KauditConfig) => Promise<string>;
}

/**
 * The receiver's tokens: from the secret `KAUDIT_WEBHOOK_TOKENS_SECRET` names, re-read as
 * `RefreshingTokens` says, or from `KAUDIT_WEBHOOK_TOKENS`, read once.
 */
async function tokenSourceOf(config: KauditConfig, readers: TokensSecretReaders, logError: WebhookReceiver['logError']): Promise<TokenSource> {
  const secret = config.webhookTokensSecret;
  if (!secret) return fixedTokens(await tokenTableOf(config));
  if (config.webhookTokens) {
    throw new Error(`${SETTINGS.webhookTokensSecret} and ${SETTINGS.webhookTokens} are both set: set one, so it is clear which tokens are in force`);
  }
  const reference = parseTokensSecretReference(secret, SETTINGS.webhookTokensSecret);
  const readSecret = secretReader(reference, readers, config);
  const source = `${SETTINGS.webhookTokensSecret} (${secret})`;
  return RefreshingTokens.open(async () => parseTokenTable(await readSecret(), source), {
    ...SECRET_REFRESH,
    now: Date.now,
    onRefreshError: (error) => logError('kaudit webhook tokens not read again: the previous tokens stay in force', { error: error.message }),
  });
}

function secretReader(reference: TokensSecretReference, readers: TokensSecretReaders, config: KauditConfig): () => Promise<string> {
  const unsupported = (store: string) => new Error(`${SETTINGS.webhookTokensSecret} names a ${store} secret, which this function cannot read: name a secret of its own cloud`);
  switch (reference.store) {
    case 'aws-secrets-manager': {
      const read = readers['aws-secrets-manager'];
      if (!read) throw unsupported('Secrets Manager');
      return () => read(reference, config);
    }
    case 'azure-key-vault': {
      const read = readers['azure-key-vault'];
      if (!read) throw unsupported('Key Vault');
      return () => read(reference, config);
    }
  }
}

/** A cloud function's receiver: its tokens, asked per request, and everything else, built once. */
export interface FunctionWebhookReceiver {
  tokens: TokenSource;
  receiver: Omit<WebhookReceiver, 'tokens'>;
}

/** The receiver of a cloud function, from its configuration; a missing or malformed setting, or an unreadable secret, fails the cold start. */
export async function functionWebhookReceiver(config: KauditConfig, logError: WebhookReceiver['logError'], readers: TokensSecretReaders): Promise<FunctionWebhookReceiver> {
  const [runtime, tokens] = await Promise.all([functionRuntime(config, config.region), tokenSourceOf(config, readers, logError)]);
  return {
    tokens,
    receiver: { store: runtime.store, pipeline: runtime.pipeline, limits: runtime.limits, now: runtime.now, maxBodyBytes: config.webhookMaxBodyBytes, logError },
  };
}

/** Answers one request, against the tokens in force for its bearer token (read again first if it is unknown). */
export async function answerWebhookRequest(request: WebhookRequest, { tokens, receiver }: FunctionWebhookReceiver): Promise<WebhookResponse> {
  const table = await tokens.tableFor(bearerToken(request.header('authorization')));
  return handleWebhookRequest(request, { ...receiver, tokens: table });
}

/**
 * `build`, run by the first call and shared by the calls after it; a build that failed (a secret
 * store not reachable at that moment, say) is run again by the next call instead of failing every
 * request the instance serves.
 */
export function builtOnFirstUse<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
