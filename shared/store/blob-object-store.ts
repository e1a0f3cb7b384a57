import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type ContainerClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { SETTINGS } from '../core/settings.ts';
import { AppServiceManagedIdentityCredential } from './app-service-managed-identity.ts';
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
    private readonly container: ContainerClient,
    private readonly settings: StoreSettings,
  ) {
    this.url = location.url;
    this.prefix = location.prefix;
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    try {
      await this.container.getBlockBlobClient(this.prefix + key).upload(body, body.byteLength, {
        conditions: { ifNoneMatch: '*' },
        abortSignal: this.deadline(),
      });
      return 'created';
    } catch (error) {
      // 409 BlobAlreadyExists is the documented answer to If-None-Match: * on Put Blob; 412 is the generic one.
      if (error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412)) return 'exists';
      throw this.failure('write', key, error);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    try {
      for await (const blob of this.container.listBlobsFlat({ prefix: this.prefix + prefix, abortSignal: this.deadline() })) {
        yield { key: blob.name.slice(this.prefix.length), size: blob.properties.contentLength ?? 0 };
      }
    } catch (error) {
      throw this.failure('list', prefix, error);
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await this.container.getBlockBlobClient(this.prefix + key).downloadToBuffer(0, undefined, { abortSignal: this.deadline() });
    } catch (error) {
      throw this.failure('read', key, error);
    }
  }

  /**
   * The retry policy's `tryTimeoutInMs` is only a server-side timeout, so a connection that hangs
   * would hang the function: every operation gets a deadline covering all its attempts.
   */
  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.settings.attemptTimeoutMs * this.settings.maxAttempts);
  }

  private failure(action: string, key: string, error: unknown): StoreError {
    return new StoreError(`${this.url}: cannot ${action} ${key}: ${describeBlobError(error)}`, key, { cause: error });
  }
}

/**
 * The container client of a location: from `AZURE_STORAGE_CONNECTION_STRING` when set (its
 * BlobEndpoint wins, which is how emulators are reached), else the account's endpoint with an
 * Entra ID credential (`azureStorageCredential`).
 */
export async function blobContainerFor(location: BlobLocation, settings: StoreSettings): Promise<ContainerClient> {
  const options: StoragePipelineOptions = {
    retryOptions: {
      maxTries: settings.maxAttempts,
      tryTimeoutInMs: settings.attemptTimeoutMs,
      // The default first delay is 4 s; a function with a batch in hand should retry sooner.
      retryDelayInMs: 200,
      maxRetryDelayInMs: 5_000,
    },
  };
  let service: BlobServiceClient;
  if (settings.azureConnectionString) {
    service = BlobServiceClient.fromConnectionString(settings.azureConnectionString, options);
    // Writing audit events to another account than the URL names would be a silent surprise.
    if (service.accountName && service.accountName !== location.account) {
      throw new Error(`${location.url}: AZURE_STORAGE_CONNECTION_STRING is for account ${JSON.stringify(service.accountName)}, not ${JSON.stringify(location.account)}`);
    }
  } else {
    service = new BlobServiceClient(location.endpoint, await azureStorageCredential(settings), options);
  }
  return service.getContainerClient(location.container);
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

/** `ContainerNotFound (HTTP 404): The specified container does not exist.` */
function describeBlobError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof RestError)) return `${error.name}: ${error.message}`;
  const code = (error.details as { errorCode?: string } | undefined)?.errorCode ?? error.code;
  const status = error.statusCode ? ` (HTTP ${error.statusCode})` : '';
  const message = error.message.split('\n')[0] || 'no message';
  return `${code ?? error.name}${status}: ${message}`;
}
