/**
 * Every store kind as the suites see it: a URL for a fresh place, the settings that reach its
 * server, and the hooks a kind needs for the behaviours only it can show. Network kinds talk to
 * their server through a fault proxy, which passes requests until a test tells it otherwise.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { fileStorePath } from '../../shared/store/file-object-store.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import { AZURITE_ACCOUNT, azuriteConnectionString, type FaultProxy, S3RVER_CREDENTIALS, startAzurite, startFaultProxy, startS3rver, type TestServer } from '../helpers/servers.ts';

export interface RunningStore {
  /** The URL of the store at `prefix` (`''`: the root) in this kind's test location. */
  url(prefix: string): string;
  /** The settings that reach the server (through the proxy, for network kinds). */
  env: NodeJS.ProcessEnv;
  /** Where this kind cannot write: a missing bucket or container, a path through a file. */
  unwritableUrl: string;
  /** Between the store and its server; null for the file store. */
  proxy: FaultProxy | null;
  stop(): Promise<void>;
}

export interface StoreKind {
  name: 'file' | 's3' | 'azblob';
  start(): Promise<RunningStore>;
}

/** A kind whose writes can be cut off midway in a test, and whose test server keeps them atomic. */
export interface InterruptibleStoreKind extends StoreKind {
  /** Starts writing `body` at `key` of the store at `prefix` and cuts the write off midway. */
  interruptWrite(store: RunningStore, prefix: string, key: string, body: Buffer): Promise<void>;
}

const BUCKET = 'kaudit-test';
const CONTAINER = 'kaudit-test';

/** A prefix no other test uses, so tests share one server without seeing each other's objects. */
export function freshPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}`;
}

const FILE_KIND: InterruptibleStoreKind = {
  name: 'file',
  async start() {
    const root = await mkdtemp(path.join(tmpdir(), 'kaudit-file-store-'));
    await writeFile(path.join(root, 'not-a-directory'), '');
    return {
      url: (prefix) => `file://${path.join(root, prefix)}`,
      env: {},
      unwritableUrl: `file://${path.join(root, 'not-a-directory', 'lake')}`,
      proxy: null,
      stop: () => rm(root, { recursive: true, force: true }),
    };
  },
  // A writer that died between writing its temporary file (named as FileObjectStore names them)
  // and linking it in place.
  async interruptWrite(store, prefix, key, body) {
    const target = path.join(fileStorePath(store.url(prefix)), key);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(path.join(path.dirname(target), `.${path.basename(target)}.99999.0badc0ffee00.tmp`), body.subarray(0, body.length / 2));
  },
};

export const S3_KIND: StoreKind = {
  name: 's3',
  async start() {
    const { server, proxy } = await behindProxy(() => startS3rver([BUCKET]));
    // The SDK's credential chain reads the process environment, not the settings passed to the store.
    for (const [name, value] of Object.entries(S3RVER_CREDENTIALS)) vi.stubEnv(name, value);
    return {
      url: (prefix) => `s3://${BUCKET}/${prefix}`,
      env: { AWS_ENDPOINT_URL_S3: proxy.endpoint, KAUDIT_S3_FORCE_PATH_STYLE: 'true', AWS_REGION: 'us-east-1' },
      unwritableUrl: 's3://kaudit-no-such-bucket/lake',
      proxy,
      async stop() {
        vi.unstubAllEnvs();
        await proxy.stop();
        await server.stop();
      },
    };
  },
};

const BLOB_KIND: InterruptibleStoreKind = {
  name: 'azblob',
  async start() {
    const { server, proxy } = await behindProxy(() => startAzurite([CONTAINER]));
    return {
      url: (prefix) => `azblob://${AZURITE_ACCOUNT}/${CONTAINER}/${prefix}`,
      env: { AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(proxy.endpoint) },
      unwritableUrl: `azblob://${AZURITE_ACCOUNT}/kaudit-no-such-container/lake`,
      proxy,
      async stop() {
        await proxy.stop();
        await server.stop();
      },
    };
  },
  // The connection closes with half the body sent; one attempt, so the SDK does not resend it whole.
  async interruptWrite(store, prefix, key, body) {
    const objects = await openObjectStore(store.url(prefix), configFromEnv({ ...store.env, KAUDIT_STORE_MAX_ATTEMPTS: '1' }));
    store.proxy?.fail({ method: 'PUT', cut: true });
    const outcome = await objects.putIfAbsent(key, body).catch((error: Error) => error);
    store.proxy?.heal();
    if (!(outcome instanceof Error)) throw new Error(`the write of ${key} was not cut off: it ended ${outcome}`);
  },
};

export const STORE_KINDS: readonly StoreKind[] = [FILE_KIND, S3_KIND, BLOB_KIND];
/** The kinds reached over HTTP, where the network can fail. */
export const NETWORK_KINDS: readonly StoreKind[] = [S3_KIND, BLOB_KIND];
/**
 * Not S3: s3rver writes a PUT's body straight into the object file, so a cut-off PUT leaves a
 * partial object behind. S3 itself never shows a partial object, and the S3 store relies on that.
 */
export const INTERRUPTIBLE_KINDS: readonly InterruptibleStoreKind[] = [FILE_KIND, BLOB_KIND];

/**
 * Starts `kind` before the tests of the calling describe block and stops it after them; between
 * tests, the proxy forgets any fault a test left queued. Returns the running store, once started.
 */
export function useStore(kind: StoreKind): () => RunningStore {
  let running: RunningStore | undefined;
  beforeAll(async () => {
    running = await kind.start();
  });
  afterEach(() => running?.proxy?.heal());
  afterAll(() => running?.stop());
  return () => {
    if (!running) throw new Error(`the ${kind.name} store has not started`);
    return running;
  };
}

/** The fault proxy in front of a network store. */
export function proxyOf(store: RunningStore): FaultProxy {
  if (!store.proxy) throw new Error(`${store.url('')} has no proxy: it is not reached over the network`);
  return store.proxy;
}

async function behindProxy(start: () => Promise<TestServer>): Promise<{ server: TestServer; proxy: FaultProxy }> {
  const server = await start();
  return { server, proxy: await startFaultProxy(server.endpoint) };
}
