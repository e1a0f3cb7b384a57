import { promises as fs } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  paginateListObjectsV2,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { partsOf, UPLOAD_PART_BYTES } from './file-parts.ts';
import { type ObjectStore, type StoredObject, StoreError, type SymlinkLists } from './object-store.ts';
import type { StoreSettings } from './store-settings.ts';

export interface S3Location {
  url: string;
  bucket: string;
  /** `''` or `a/b/`: prepended to every key. */
  prefix: string;
}

/**
 * `s3://BUCKET/PREFIX`. Objects are written with one PutObject each, which S3 makes visible
 * whole or not at all; encrypted with SSE-S3, or SSE-KMS when a key is configured.
 */
export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly encryption: Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled'>;
  private readonly checkBeforePut: boolean;
  private readonly client: S3Client;

  constructor(location: S3Location, settings: StoreSettings) {
    this.client = s3ClientFor(settings);
    this.url = location.url;
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    this.encryption = settings.s3.sseKmsKeyId
      ? // A bucket key cuts the KMS requests (and their cost and throttling) from one per object to a few per hour.
        { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: settings.s3.sseKmsKeyId, BucketKeyEnabled: true }
      : { ServerSideEncryption: 'AES256' };
    this.checkBeforePut = !settings.s3.conditionalWrites;
  }

  readonly symlinkLists: SymlinkLists = {
    uriOf: (key) => `s3://${this.bucket}/${this.prefix}${key}`,
    replace: async (key, body) => {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, ContentType: 'text/plain', ...this.encryption }));
      } catch (error) {
        throw this.failure('write', key, error);
      }
    },
  };

  /**
   * A PUT with `If-None-Match: *`, which S3 answers 412 when the key exists: atomic, and it needs
   * no permission but s3:PutObject. S3-compatible stores that predate conditional writes ignore
   * the header and overwrite, so for them (`conditionalWrites` off, the default with a custom
   * endpoint) a HEAD first makes the common case — a batch redelivered after its first delivery
   * finished — right, though two concurrent deliveries can still both write.
   */
  async putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    if (this.checkBeforePut && (await this.exists(key))) return 'exists';
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, IfNoneMatch: '*', ...this.encryption }));
      return 'created';
    } catch (error) {
      if (httpStatusOf(error) === 412) return 'exists';
      // 409 (a concurrent write to the key is in flight) ends here too: the platform's retry of
      // the batch then finds the other writer's object and gets its 412.
      throw this.failure('write', key, error);
    }
  }

  /**
   * A file up to one part is one PUT; a larger one a multipart upload whose completion carries
   * `If-None-Match: *` (S3 answers 412 when the key exists, and the parts are dropped): the object
   * appears whole at completion or not at all, and each part is retried on its own.
   */
  async putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    if ((await fs.stat(file)).size <= UPLOAD_PART_BYTES) return this.putIfAbsent(key, await fs.readFile(file));
    if (this.checkBeforePut && (await this.exists(key))) return 'exists';
    const target = { Bucket: this.bucket, Key: this.prefix + key };
    let uploadId: string | undefined;
    try {
      uploadId = (await this.client.send(new CreateMultipartUploadCommand({ ...target, ...this.encryption }))).UploadId;
      const parts: { ETag: string | undefined; PartNumber: number }[] = [];
      for await (const body of partsOf(file)) {
        const PartNumber = parts.length + 1;
        parts.push({ ETag: (await this.client.send(new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: body }))).ETag, PartNumber });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: '*' }));
      return 'created';
    } catch (error) {
      // Parts of an upload never completed are billed until aborted (or a lifecycle rule drops them).
      if (uploadId !== undefined) await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
      if (httpStatusOf(error) === 412) return 'exists';
      throw this.failure('write', key, error);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix + prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0 };
        }
      }
    } catch (error) {
      throw this.failure('list', prefix, error);
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return Buffer.from(await (response.Body as NonNullable<typeof response.Body>).transformToByteArray());
    } catch (error) {
      throw this.failure('read', key, error);
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      // 403 here is often a missing s3:ListBucket permission: without it S3 answers 403 for absent keys.
      throw this.failure('check for', key, error);
    }
  }

  private failure(action: string, key: string, error: unknown): StoreError {
    return new StoreError(`${this.url}: cannot ${action} ${key}: ${describeS3Error(error)}`, key, { cause: error });
  }
}

/** A client whose retries and timeouts are the store settings', for the configured endpoint. */
function s3ClientFor(settings: StoreSettings): S3Client {
  return new S3Client({
    // Without a configured region, us-east-1 and a redirect to the bucket's own region.
    region: settings.s3.region ?? 'us-east-1',
    followRegionRedirects: true,
    ...(settings.s3.endpoint ? { endpoint: settings.s3.endpoint } : {}),
    forcePathStyle: settings.s3.forcePathStyle,
    // The standard strategy retries throttling, 5xx and dropped connections with jittered backoff.
    retryMode: 'standard',
    maxAttempts: settings.maxAttempts,
    requestHandler: { connectionTimeout: Math.min(5_000, settings.attemptTimeoutMs), requestTimeout: settings.attemptTimeoutMs },
  });
}

/** What the SDK attaches to service and network errors alike. */
function metadataOf(error: unknown): { httpStatusCode?: number; attempts?: number } {
  return (error as { $metadata?: { httpStatusCode?: number; attempts?: number } } | null)?.$metadata ?? {};
}

function httpStatusOf(error: unknown): number | undefined {
  return metadataOf(error).httpStatusCode;
}

/** `NoSuchBucket (HTTP 404 after 1 attempt): The specified bucket does not exist`. */
function describeS3Error(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { httpStatusCode: status, attempts } = metadataOf(error);
  const where = [status ? `HTTP ${status}` : null, attempts ? `after ${attempts} attempt${attempts === 1 ? '' : 's'}` : null].filter(Boolean).join(' ');
  const code = (error as { code?: string }).code;
  return `${error.name}${code && code !== error.name ? ` ${code}` : ''}${where ? ` (${where})` : ''}: ${error.message || 'no message'}`;
}
