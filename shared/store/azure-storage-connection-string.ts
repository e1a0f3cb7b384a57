import { SETTINGS } from '../core/settings.ts';

/** What a storage connection string says about the Blob service: where it is and how to sign in. */
export interface BlobConnection {
  /** The account the string is for; null when a SAS string's endpoint does not show it. */
  account: string | null;
  /** The Blob service endpoint, without a trailing slash: `https://ACCOUNT.blob.core.windows.net`, or an emulator's `http://127.0.0.1:10000/ACCOUNT`. */
  endpoint: string;
  credential: { kind: 'shared-key'; key: Buffer } | { kind: 'sas'; token: string };
}

/** Azurite's and the old storage emulator's well-known development account; its key is public. */
const DEVELOPMENT_STORAGE = {
  account: 'devstoreaccount1',
  endpoint: 'http://127.0.0.1:10000/devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `AZURE_STORAGE_CONNECTION_STRING`, as the Azure portal and Azurite give it: an account key
 * (`AccountName`, `AccountKey`) or a SAS (`SharedAccessSignature`), at `BlobEndpoint` when given
 * (which is how emulators are reached), else at `DefaultEndpointsProtocol://AccountName.blob.EndpointSuffix`.
 * `UseDevelopmentStorage=true` is Azurite on its default port. Errors name the setting and the
 * part that is wrong, never the string's text: it holds the key.
 */
export function parseBlobConnectionString(text: string): BlobConnection {
  const parts = new Map<string, string>();
  for (const pair of text.split(';')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) throw invalid('expected Name=Value pairs separated by ";"');
    parts.set(pair.slice(0, equals).trim().toLowerCase(), pair.slice(equals + 1).trim());
  }
  if (parts.get('usedevelopmentstorage')?.toLowerCase() === 'true') {
    return {
      account: DEVELOPMENT_STORAGE.account,
      endpoint: DEVELOPMENT_STORAGE.endpoint,
      credential: { kind: 'shared-key', key: Buffer.from(DEVELOPMENT_STORAGE.key, 'base64') },
    };
  }

  const account = parts.get('accountname') || null;
  const endpoint = blobEndpointOf(parts, account);
  const key = parts.get('accountkey');
  const sas = parts.get('sharedaccesssignature');
  if (key) {
    if (!account) throw invalid('AccountKey needs AccountName');
    if (!BASE64.test(key)) throw invalid('AccountKey is not base64');
    return { account, endpoint, credential: { kind: 'shared-key', key: Buffer.from(key, 'base64') } };
  }
  if (sas) return { account: account ?? accountOfEndpoint(new URL(endpoint)), endpoint, credential: { kind: 'sas', token: sas.replace(/^\?/, '') } };
  throw invalid('expected AccountKey or SharedAccessSignature');
}

function blobEndpointOf(parts: ReadonlyMap<string, string>, account: string | null): string {
  const given = parts.get('blobendpoint');
  let endpoint: URL;
  try {
    if (given) endpoint = new URL(given);
    else if (account) endpoint = new URL(`${parts.get('defaultendpointsprotocol') || 'https'}://${account}.blob.${parts.get('endpointsuffix') || 'core.windows.net'}`);
    else throw invalid('expected BlobEndpoint or AccountName');
  } catch (error) {
    if (error instanceof TypeError) throw invalid(given ? 'BlobEndpoint is not a URL' : 'DefaultEndpointsProtocol or EndpointSuffix does not make a URL');
    throw error;
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw invalid('the Blob endpoint is not an http or https URL');
  if (endpoint.search || endpoint.hash) throw invalid('BlobEndpoint takes no query or fragment');
  return endpoint.href.replace(/\/+$/, '');
}

/** The account of `https://ACCOUNT.blob.…`, or of an emulator's path-style `http://127.0.0.1:10000/ACCOUNT`. */
function accountOfEndpoint(endpoint: URL): string | null {
  const pathStyle = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\]|localhost)$/i.test(endpoint.hostname);
  const account = pathStyle ? endpoint.pathname.split('/')[1] : endpoint.hostname.split('.')[0];
  return account || null;
}

function invalid(problem: string): Error {
  return new Error(`invalid ${SETTINGS.azureStorageConnectionString}: ${problem}`);
}
