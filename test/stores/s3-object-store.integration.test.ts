/**
 * What only the S3 store does: encryption headers, and the conditional PUT with or without a HEAD
 * first. s3rver ignores both headers, so requests are read on the wire at the proxy, and S3's
 * answers to a conditional PUT (412, 409) are given by the proxy.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import type { SeenRequest } from '../helpers/servers.ts';
import { freshPrefix, proxyOf, S3_KIND, useStore } from './store-kinds.ts';

const KEY = 'events/v1/dt=2026-11-20/hour=14/batch-0001.ndjson.gz';

describe('s3 store', () => {
  const running = useStore(S3_KIND);
  const proxy = () => proxyOf(running());

  /** The methods of the requests sent for keys under `prefix`, in order. */
  function methodsSentFor(prefix: string): string[] {
    return proxy()
      .requests.filter((request) => request.path.includes(prefix))
      .map((request) => request.method);
  }

  /** Writes one object through a store opened with `settings` and returns the PUT request as sent. */
  async function putRequestOf(settings: NodeJS.ProcessEnv): Promise<SeenRequest | undefined> {
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv({ ...running().env, ...settings }));
    await store.putIfAbsent(KEY, randomBytes(10));
    return proxy().requests.find((request) => request.method === 'PUT' && request.path.includes(prefix));
  }

  it('asks S3 with If-None-Match: * never to replace an object', async () => {
    // Act
    const put = await putRequestOf({});

    // Assess
    expect(put?.headers['if-none-match']).toBe('*');
  });

  it('encrypts objects with SSE-S3 when no KMS key is configured', async () => {
    // Act
    const put = await putRequestOf({});

    // Assess
    expect(put?.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(put?.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
  });

  it('encrypts objects with SSE-KMS and a bucket key when KAUDIT_S3_SSE_KMS_KEY_ID is set', async () => {
    // Prepare
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    // Act
    const put = await putRequestOf({ KAUDIT_S3_SSE_KMS_KEY_ID: keyArn });

    // Assess
    expect(put?.headers).toMatchObject({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': keyArn,
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
    });
  });

  it('checks with HEAD before writing to an S3-compatible endpoint, which may ignore If-None-Match', async () => {
    // Prepare
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv(running().env));

    // Act
    await store.putIfAbsent(KEY, randomBytes(10));

    // Assess
    expect(methodsSentFor(prefix)).toEqual(['HEAD', 'PUT']);
  });

  it('relies on the conditional PUT alone when KAUDIT_S3_CONDITIONAL_WRITES=true, counting its 412 as exists', async () => {
    // Prepare: the proxy answers the second PUT as S3 answers one for a key that exists.
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv({ ...running().env, KAUDIT_S3_CONDITIONAL_WRITES: 'true' }));
    await store.putIfAbsent(KEY, randomBytes(10));
    proxy().fail({ method: 'PUT', status: 412 }, 1);

    // Act
    const outcome = await store.putIfAbsent(KEY, randomBytes(10));

    // Assess
    expect(outcome).toBe('exists');
    expect(methodsSentFor(prefix)).toEqual(['PUT', 'PUT']);
  });

  it('fails a write with a StoreError on a 409 conflict, so the batch is delivered again', async () => {
    // Prepare
    const store = await openObjectStore(running().url(freshPrefix()), configFromEnv(running().env));
    proxy().fail({ method: 'PUT', status: 409 }, 1);

    // Act
    const error = await store.putIfAbsent(KEY, randomBytes(10)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('409');
  });
});
