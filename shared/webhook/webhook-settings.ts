import { readFile } from 'node:fs/promises';
import { runtimeFromEnv } from '../runtime/function-runtime.ts';
import { SETTINGS } from '../runtime/settings.ts';
import { DEFAULT_MAX_BODY_BYTES, type WebhookReceiver } from './webhook-core.ts';
import { parseTokenTable, type TokenTable } from './tokens.ts';

/** The tokens file of `kaudit serve --tokens FILE`. */
export async function readTokenFile(path: string): Promise<TokenTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the tokens file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseTokenTable(text, path);
}

/**
 * The tokens a function reads from its setting: the JSON itself (from a secret store reference,
 * say) or, when it does not start with `{`, the path of a tokens file.
 */
export async function tokenTableFromEnv(env: NodeJS.ProcessEnv): Promise<TokenTable> {
  const value = env[SETTINGS.webhookTokens]?.trim();
  if (!value) throw new Error(`${SETTINGS.webhookTokens} is not set: the webhook receiver would accept no cluster`);
  return value.startsWith('{') ? parseTokenTable(value, SETTINGS.webhookTokens) : readTokenFile(value);
}

/** The largest accepted body, from its setting. */
export function maxBodyBytesFromEnv(env: NodeJS.ProcessEnv): number {
  const text = env[SETTINGS.webhookMaxBodyBytes];
  if (text === undefined || text === '') return DEFAULT_MAX_BODY_BYTES;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${SETTINGS.webhookMaxBodyBytes} must be a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

/** The receiver of a cloud function, from its app settings; a missing or malformed setting fails the cold start. */
export async function webhookReceiverFromEnv(env: NodeJS.ProcessEnv, logError: WebhookReceiver['logError']): Promise<WebhookReceiver> {
  const [runtime, tokens] = await Promise.all([runtimeFromEnv(env, SETTINGS.region), tokenTableFromEnv(env)]);
  return { tokens, store: runtime.store, pipeline: runtime.pipeline, limits: runtime.limits, now: runtime.now, maxBodyBytes: maxBodyBytesFromEnv(env), logError };
}
