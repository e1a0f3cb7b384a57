import { describe, expect, it } from 'vitest';
import { parseStoreUrl } from '../../shared/store/store-url.ts';

describe('parseStoreUrl', () => {
  it.each([
    ['s3://audit-lake', { kind: 's3', bucket: 'audit-lake', prefix: '' }],
    ['s3://audit-lake/prod/eu/', { kind: 's3', bucket: 'audit-lake', prefix: 'prod/eu/' }],
    ['s3://audit-lake/prod//eu', { kind: 's3', bucket: 'audit-lake', prefix: 'prod/eu/' }],
  ])('reads %s as a bucket and a key prefix', (url, expected) => {
    // Act
    const location = parseStoreUrl(url);

    // Assess
    expect(location).toEqual({ url, ...expected });
  });

  it.each([
    ['azblob://auditlake/events/prod', 'https://auditlake.blob.core.windows.net'],
    ['https://auditlake.blob.core.windows.net/events/prod', 'https://auditlake.blob.core.windows.net'],
    ['https://auditlake.blob.core.chinacloudapi.cn/events/prod', 'https://auditlake.blob.core.chinacloudapi.cn'],
  ])('reads %s as an account, a container and a prefix at its endpoint', (url, endpoint) => {
    // Act
    const location = parseStoreUrl(url);

    // Assess
    expect(location).toEqual({ kind: 'azblob', url, endpoint, account: 'auditlake', container: 'events', prefix: 'prod/' });
  });

  it('leaves file:// URLs whole to the file store', () => {
    // Act
    const location = parseStoreUrl('file://./kaudit-data');

    // Assess
    expect(location).toEqual({ kind: 'file', url: 'file://./kaudit-data' });
  });

  it.each([
    ['gs://bucket/prefix', /expected file:\/\/PATH, s3:\/\/BUCKET\/PREFIX/],
    ['https://example.com/lake', /expected file:\/\/PATH/],
    ['kaudit-data', /expected file:\/\/PATH/],
    ['s3://Audit_Lake/prefix', /"Audit_Lake" is not an S3 bucket name/],
    ['s3://lake/prefix?versionId=1', /takes no query or fragment/],
    ['azblob://auditlake', /no container/],
    ['azblob://audit-lake/events', /"audit-lake" is not a storage account name/],
    ['azblob://auditlake/Events', /"Events" is not a Blob container name/],
  ])('refuses %s, saying why', (url, problem) => {
    // Act
    const parse = () => parseStoreUrl(url);

    // Assess
    expect(parse).toThrow(problem);
    expect(parse).toThrow(url);
  });
});
