import { promises as fs } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import { SETTINGS } from '../core/settings.ts';
import { AppServiceManagedIdentityCredential } from './app-service-managed-identity.ts';
import { parseBlobConnectionString } from './azure-storage-connection-string.ts';
import { type BlobAuthorizer, bearerAuthorizer, sasAuthorizer, sharedKeyAuthorizer } from './blob-authorizers.ts';
import { BlobRestClient } from './blob-rest-client.ts';
import { partsOf, UPLOAD_PART_BYTES } from './file-parts.ts';
import { type ObjectStore, type StoredObject, StoreError } from './object-store.ts';
import type { StoreSettings } from './store-settings.ts';

export interface BlobLocation {
  url: string;
  /** `https://ACCOUNT.blob.core.windows.net`, or a sovereign cloud's. */
  endpoint: string;
  account: string;
  container: string;
  /** `''` or `a/b/`: prepended to every blob name. */
  prefix: string;
}

/**
 * `azblob://ACCOUNT/CONTAINER/PREFIX`. Each object is one Put Blob, which Blob Storage commits
 * whole or not at all, with `If-None-Match: *` so that a blob is never replaced.
 */
export class BlobObjectStore implements ObjectStore {
  readonly url: string;
  private readonly prefix: string;

  constructor(
    location: BlobLocation,
    private readonly client: BlobRestClient,
  ) {
    this.url = location.url;
    this.prefix = location.prefix;
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    try {
      return await this.client.putBlockBlobIfAbsent(this.prefix + key, body);
    } catch (error) {
      throw this.failure('write', key, error);
    }
  }

  /**
   * A file up to one part is one Put Blob; a larger one is staged as blocks (Put Block, one part at
   * a time) and committed by Put Block List with `If-None-Match: *`: the blob appears whole at the
   * commit or not at all, and blocks never committed are discarded by the service.
   */
  async putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    try {
      if ((await fs.stat(file)).size <= UPLOAD_PART_BYTES) return await this.client.putBlockBlobIfAbsent(this.prefix + key, await fs.readFile(file));
      const blockIds: string[] = [];
      for await (const part of partsOf(file)) {
        // Every id of a blob must have the same length.
        const blockId = Buffer.from(`part-${String(blockIds.length).padStart(6, '0')}`).toString('base64');
        await this.client.putBlock(this.prefix + key, blockId, part);
        blockIds.push(blockId);
      }
      return await this.client.putBlockListIfAbsent(this.prefix + key, blockIds);
    } catch (error) {
      throw this.failure('write', key, error);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const asked = this.prefix + prefix;
    try {
      for await (const blob of this.client.listBlobs(asked)) {
        // The service lists only names under the prefix; any other would become a key outside the store.
        if (!blob.name.startsWith(asked)) throw new Error('the listing holds a blob outside the prefix asked for');
        yield { key: blob.name.slice(this.prefix.length), size: blob.size };
      }
    } catch (error) {
      throw this.failure('list', prefix, error);
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await this.client.getBlob(this.prefix + key);
    } catch (error) {
      throw this.failure('read', key, error);
    }
  }

  private failure(action: string, key: string, error: unknown): StoreError {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreError(`${this.url}: cannot ${action} ${key}: ${reason}`, key, { cause: error });
  }
}

/**
 * The Blob client of a location: from `AZURE_STORAGE_CONNECTION_STRING` when set (account key or
 * SAS; its BlobEndpoint wins, which is how emulators are reached), else the account's endpoint
 * with an Entra ID credential (`azureStorageCredential`). Nothing is sent until the first request.
 */
export async function blobClientFor(location: BlobLocation, settings: StoreSettings): Promise<BlobRestClient> {
  if (settings.azureConnectionString) {
    const connection = parseBlobConnectionString(settings.azureConnectionString);
    // Writing audit events to another account than the URL names would be a silent surprise.
    if (connection.account && connection.account !== location.account) {
      throw new Error(`${location.url}: ${SETTINGS.azureStorageConnectionString} is for account ${JSON.stringify(connection.account)}, not ${JSON.stringify(location.account)}`);
    }
    const authorizer: BlobAuthorizer =
      connection.credential.kind === 'shared-key' ? sharedKeyAuthorizer(location.account, connection.credential.key) : sasAuthorizer(connection.credential.token);
    return new BlobRestClient(`${connection.endpoint}/${location.container}`, authorizer, settings);
  }
  return new BlobRestClient(`${location.endpoint}/${location.container}`, bearerAuthorizer(await azureStorageCredential(settings)), settings);
}

/**
 * The Entra ID credential of the Blob store: in a function app with a managed identity, the host's
 * identity endpoint, asked directly; anywhere else `DefaultAzureCredential` (environment, workload
 * identity, other managed identities, the developer's `az login`). `@azure/identity` is loaded only
 * then: the Functions bundle leaves it out (infra/packaging/esbuild-options.ts). `loadIdentity`
 * stands in for that import in tests.
 */
export async function azureStorageCredential(
  settings: Pick<StoreSettings, 'azureManagedIdentity'>,
  loadIdentity: () => Promise<Pick<typeof import('@azure/identity'), 'DefaultAzureCredential'>> = () => import('@azure/identity'),
): Promise<TokenCredential> {
  if (settings.azureManagedIdentity) return new AppServiceManagedIdentityCredential(settings.azureManagedIdentity);
  let identity: Awaited<ReturnType<typeof loadIdentity>>;
  try {
    identity = await loadIdentity();
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      `Blob storage needs a credential, and this bundle does not carry @azure/identity: enable the function app's managed identity ` +
        `(the host then sets ${SETTINGS.identityEndpoint} and ${SETTINGS.identityHeader}), or set ${SETTINGS.azureStorageConnectionString}`,
      { cause: error },
    );
  }
  return new identity.DefaultAzureCredential();
}
