/**
 * What the CDK lake demands of every PUT a kaudit function sends, checked on the wire at the
 * proxy: `If-None-Match: *`, which its bucket policy requires of the functions' roles, and a
 * checksum, which S3 requires of a PUT into a bucket with Object Lock default retention.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { UPLOAD_PART_BYTES } from '../../shared/store/file-parts.ts';
import { openObjectStore } from '../../shared/store/open-store.ts';
import { freshPrefix, proxyOf, S3_KIND, useStore } from './store-kinds.ts';

const KEYS = ['events/v1/dt=2026-11-20/hour=14/batch-0001.ndjson.gz', 'quarantine/v1/dt=2026-11-20/hour=14/batch-0001.ndjson.gz'];

describe('s3 store writes into a policy-guarded, Object Lock bucket', () => {
  const running = useStore(S3_KIND);

  /** The headers of every PUT a store opened with `settings` sends while writing `KEYS`. */
  async function putHeaders(settings: NodeJS.ProcessEnv) {
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv({ ...running().env, ...settings }));
    for (const key of KEYS) await store.putIfAbsent(key, randomBytes(64));
    return proxyOf(running())
      .requests.filter((request) => request.method === 'PUT' && request.path.includes(prefix))
      .map((request) => request.headers);
  }

  it.each([
    ['relying on the conditional PUT (KAUDIT_S3_CONDITIONAL_WRITES=true, as the CDK stack deploys it)', { KAUDIT_S3_CONDITIONAL_WRITES: 'true' }],
    ['checking with HEAD first (KAUDIT_S3_CONDITIONAL_WRITES=false)', { KAUDIT_S3_CONDITIONAL_WRITES: 'false' }],
  ])('sends If-None-Match: * and a checksum on every PUT when %s', async (_, settings) => {
    // Act
    const puts = await putHeaders(settings);

    // Assess
    expect(puts).toHaveLength(KEYS.length);
    for (const headers of puts) {
      expect(headers['if-none-match']).toBe('*');
      expect(headers['x-amz-sdk-checksum-algorithm'] ?? headers['content-md5']).toBeDefined();
    }
  });

  it('writes a file larger than a part as a multipart upload: a checksum on every part, If-None-Match: * on its completion', async () => {
    // Prepare
    const prefix = freshPrefix();
    const store = await openObjectStore(running().url(prefix), configFromEnv({ ...running().env, KAUDIT_S3_CONDITIONAL_WRITES: 'true' }));
    const directory = await mkdtemp(path.join(tmpdir(), 'kaudit-multipart-'));
    const file = path.join(directory, 'part-0.parquet');
    await writeFile(file, randomBytes(UPLOAD_PART_BYTES + 1000));

    // Act
    const outcome = await store
      .putFileIfAbsent('compacted/v1/dt=2026-11-20/hour=14/0123456789abcdef0123456789abcdef.parquet', file)
      .finally(() => rm(directory, { recursive: true, force: true }));

    // Assess
    const requests = proxyOf(running()).requests.filter((request) => request.path.includes(prefix));
    const parts = requests.filter((request) => request.method === 'PUT');
    const completions = requests.filter((request) => request.method === 'POST' && request.path.includes('uploadId='));
    expect(outcome).toBe('created');
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.headers['x-amz-sdk-checksum-algorithm'] ?? part.headers['content-md5'] ?? part.headers['x-amz-checksum-crc32']).toBeDefined();
    expect(completions.map((request) => request.headers['if-none-match'])).toEqual(['*']);
  });
});
