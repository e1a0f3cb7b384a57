import type { KauditConfig } from '../../config/settings-schema.ts';
import { SETTINGS } from '../../core/settings.ts';
import { AppServiceManagedIdentityCredential, networkErrorText } from '../../store/app-service-managed-identity.ts';
import { storeSettingsOf } from '../../store/store-settings.ts';
import type { KeyVaultReference } from './tokens-secret.ts';

const API_VERSION = '7.4';
const REQUEST_TIMEOUT_MS = 10_000;
/** Enough of an error answer to act on. */
const MAX_DETAIL_CHARS = 300;

/**
 * A Key Vault secret's value (the version the URI names, else the current one): one HTTPS GET with
 * a token of the app's managed identity, from the host's identity endpoint. The Key Vault SDK and
 * `@azure/identity` would add far more to the app than this one call needs. Errors name the secret
 * and the vault's answer, never the value.
 */
export async function readKeyVaultSecret(reference: KeyVaultReference, config: KauditConfig): Promise<string> {
  const where = `Key Vault secret ${reference.url.href}`;
  const identity = storeSettingsOf(config).azureManagedIdentity;
  if (!identity) {
    throw new Error(`${where}: cannot read it without the app's managed identity: enable it, so the host sets ${SETTINGS.identityEndpoint} and ${SETTINGS.identityHeader}`);
  }
  const token = await new AppServiceManagedIdentityCredential(identity).getTokenForResource(reference.audience).catch((error: Error) => {
    throw new Error(`${where}: no token for ${reference.audience}: ${error.message}`, { cause: error });
  });

  const url = new URL(reference.url);
  url.searchParams.set('api-version', API_VERSION);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await response.text();
  } catch (error) {
    throw new Error(`${where}: request failed: ${networkErrorText(error)}`, { cause: error });
  }
  if (!response.ok) throw new Error(`${where}: HTTP ${response.status}${errorDetail(text)}`);
  // The body holds the secret: it is never quoted.
  const value = secretValueOf(text);
  if (value === null) throw new Error(`${where}: HTTP ${response.status} with no secret value: expected a JSON body with a "value" string`);
  return value;
}

function secretValueOf(text: string): string | null {
  try {
    const value = (JSON.parse(text) as { value?: unknown } | null)?.value;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** `: Forbidden (ForbiddenByRbac): Caller is not authorized…` from `{"error":{"code","message","innererror"}}`. */
function errorDetail(text: string): string {
  let error: { code?: unknown; message?: unknown; innererror?: { code?: unknown } } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error } | null)?.error;
  } catch {
    return '';
  }
  const inner = typeof error?.innererror?.code === 'string' ? ` (${error.innererror.code})` : '';
  const code = typeof error?.code === 'string' ? `${error.code}${inner}` : '';
  const message = typeof error?.message === 'string' ? error.message.replace(/\s+/g, ' ').trim().slice(0, MAX_DETAIL_CHARS) : '';
  const detail = [code, message].filter((part) => part !== '').join(': ');
  return detail === '' ? '' : `: ${detail}`;
}
