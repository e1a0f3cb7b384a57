/**
 * Store URLs (docs/contracts.md#store-urls), parsed once and checked early, so a typo fails the CLI or a cold start
 * with a message naming the URL instead of a storage error on the first batch.
 */
export type StoreLocation =
  | { kind: 'file'; url: string }
  | { kind: 's3'; url: string; bucket: string; prefix: string }
  | { kind: 'azblob'; url: string; endpoint: string; account: string; container: string; prefix: string };

const STORE_URL_FORMS = 'file://PATH, s3://BUCKET/PREFIX, azblob://ACCOUNT/CONTAINER/PREFIX or https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX';

// The naming rules of S3 buckets and of Azure storage accounts and containers.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const AZURE_ACCOUNT = /^[a-z0-9]{3,24}$/;
const AZURE_CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
/** `ACCOUNT.blob.SUFFIX`: the public cloud (`core.windows.net`) and the sovereign ones. */
const BLOB_HOST = /^([a-z0-9]{3,24})\.blob\.[a-z0-9.-]+$/;

export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('file://')) return { kind: 'file', url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, `expected ${STORE_URL_FORMS}`);
  }
  if (parsed.search || parsed.hash) throw invalid(url, 'a store URL takes no query or fragment');
  const segments = decodeURIComponent(parsed.pathname)
    .split('/')
    .filter((segment) => segment !== '');
  if (parsed.protocol === 's3:') return s3Location(url, parsed.hostname, segments);
  if (parsed.protocol === 'azblob:') return blobLocation(url, `https://${parsed.hostname}.blob.core.windows.net`, parsed.hostname, segments);
  const blobHost = parsed.protocol === 'https:' ? BLOB_HOST.exec(parsed.hostname) : null;
  if (blobHost) return blobLocation(url, parsed.origin, blobHost[1] as string, segments);
  throw invalid(url, `expected ${STORE_URL_FORMS}`);
}

function s3Location(url: string, bucket: string, segments: string[]): StoreLocation {
  if (!S3_BUCKET.test(bucket)) throw invalid(url, `${JSON.stringify(bucket)} is not an S3 bucket name`);
  return { kind: 's3', url, bucket, prefix: keyPrefix(segments) };
}

function blobLocation(url: string, endpoint: string, account: string, segments: string[]): StoreLocation {
  const [container, ...rest] = segments;
  if (!AZURE_ACCOUNT.test(account)) throw invalid(url, `${JSON.stringify(account)} is not a storage account name`);
  if (container === undefined) throw invalid(url, 'no container: expected azblob://ACCOUNT/CONTAINER/PREFIX');
  if (!AZURE_CONTAINER.test(container)) throw invalid(url, `${JSON.stringify(container)} is not a Blob container name`);
  return { kind: 'azblob', url, endpoint, account, container, prefix: keyPrefix(rest) };
}

/** The path below the bucket or container as a key prefix: `''` or `a/b/`. */
function keyPrefix(segments: string[]): string {
  return segments.map((segment) => `${segment}/`).join('');
}

function invalid(url: string, problem: string): Error {
  return new Error(`invalid store URL ${JSON.stringify(url)}: ${problem}`);
}
