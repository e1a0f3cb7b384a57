/**
 * Where the webhook's tokens are kept when a function reads them itself (`KAUDIT_WEBHOOK_TOKENS_SECRET`):
 * one setting for both clouds, told apart by its form.
 */
export type TokensSecretReference =
  /** A Secrets Manager secret: its ARN, or its name in the function's own account and region. */
  | { store: 'aws-secrets-manager'; secretId: string }
  /** A Key Vault secret: its URL, and the audience of the tokens the vault accepts. */
  | { store: 'azure-key-vault'; url: URL; audience: string };

export type SecretsManagerReference = Extract<TokensSecretReference, { store: 'aws-secrets-manager' }>;
export type KeyVaultReference = Extract<TokensSecretReference, { store: 'azure-key-vault' }>;

/** A Secrets Manager secret's name (letters, digits and /_+=.@-, up to 512 characters) or ARN. */
export const SECRETS_MANAGER_SECRET_ID = /^(?:[A-Za-z0-9/_+=.@-]{1,512}|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+)$/;
// Key Vault: vault names of 3-24 letters, digits and hyphens under a `vault.` DNS suffix (vault.azure.net,
// vault.azure.cn, vault.usgovcloudapi.net); secret names of 1-127 letters, digits and hyphens; 32-hex versions.
const VAULT_HOST = /^[a-z0-9-]{3,24}\.(vault\.[a-z0-9.-]+)$/;
const SECRET_PATH = /^\/secrets\/[0-9A-Za-z-]{1,127}(?:\/[0-9a-f]{32})?$/;

/** The form of a Key Vault secret URI, for messages. */
const KEY_VAULT_SECRET_URI_FORM = 'https://<vault>.vault.azure.net/secrets/<name>[/<version>]';

/**
 * Reads the setting's value; `setting` names it in errors. A URL (`https://…`) is a
 * Key Vault secret URI (no secret name or ARN can contain `://`); anything else a Secrets Manager
 * secret. Errors do not quote a value they refuse: it may be the tokens themselves, set in the
 * wrong setting.
 */
export function parseTokensSecretReference(value: string, setting: string): TokensSecretReference {
  const text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return keyVaultReference(text, setting);
  if (SECRETS_MANAGER_SECRET_ID.test(text)) return { store: 'aws-secrets-manager', secretId: text };
  throw new Error(
    `${setting}: expected a Secrets Manager secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or name, or a Key Vault secret URI (${KEY_VAULT_SECRET_URI_FORM}); the value is neither`,
  );
}

function keyVaultReference(text: string, setting: string): KeyVaultReference {
  const problem = (what: string) => new Error(`${setting}: expected a Key Vault secret URI, ${KEY_VAULT_SECRET_URI_FORM}; ${what}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw problem('the value is no URL');
  }
  // The function sends its managed identity's token there: never in the clear.
  if (url.protocol !== 'https:') throw problem(`the URL's scheme is ${url.protocol.slice(0, -1)}`);
  const host = VAULT_HOST.exec(url.hostname);
  if (!host || url.port !== '') throw problem(`${url.host} is no vault host`);
  if (!SECRET_PATH.test(url.pathname) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw problem(`the URL is not /secrets/<name>[/<version>] of ${url.host}`);
  }
  // A vault takes tokens for its cloud's vault audience, without a trailing slash.
  return { store: 'azure-key-vault', url, audience: `https://${host[1]}` };
}
