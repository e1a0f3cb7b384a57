/**
 * The Shared Key signature of Blob requests, against strings to sign written out by hand from the
 * Blob service's documented algorithm: the verb, twelve fixed header lines, the `x-ms-` headers
 * sorted by name, then `/ACCOUNT/PATH` and the query parameters sorted, decoded, one per line.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SignableRequest, sharedKeyAuthorization, sharedKeyStringToSign } from '../../shared/store/blob-shared-key.ts';

const ACCOUNT = 'auditlake';
const KEY = Buffer.from('kaudit test key: not any account key');
const DATE = 'Fri, 20 Nov 2026 14:00:00 GMT';

/** HMAC-SHA256 of the string with the key, base64: the signature as the documentation defines it. */
function documentedSignature(stringToSign: string): string {
  return createHmac('sha256', KEY).update(stringToSign, 'utf8').digest('base64');
}

describe('sharedKeyStringToSign', () => {
  it('signs a Put Blob with its length, content type, If-None-Match and x-ms- headers in name order', () => {
    // Prepare: headers given in no particular order, one value with runs of white space.
    const request: SignableRequest = {
      method: 'PUT',
      url: new URL('https://auditlake.blob.core.windows.net/kaudit/prod/events/v1/dt%3D2026-11-20/hour%3D14/b-1.ndjson.gz'),
      headers: {
        'x-ms-version': '2025-11-05',
        'if-none-match': '*',
        'x-ms-date': DATE,
        'content-type': 'application/octet-stream',
        'x-ms-client-request-id': '  run   42 ',
        'x-ms-blob-type': 'BlockBlob',
      },
      contentLength: 1000,
    };

    // Act
    const stringToSign = sharedKeyStringToSign(ACCOUNT, request);

    // Assess
    expect(stringToSign).toBe(
      [
        'PUT',
        '', // Content-Encoding
        '', // Content-Language
        '1000', // Content-Length
        '', // Content-MD5
        'application/octet-stream', // Content-Type
        '', // Date (x-ms-date is sent instead)
        '', // If-Modified-Since
        '', // If-Match
        '*', // If-None-Match
        '', // If-Unmodified-Since
        '', // Range
        'x-ms-blob-type:BlockBlob',
        'x-ms-client-request-id:run 42',
        `x-ms-date:${DATE}`,
        'x-ms-version:2025-11-05',
        '/auditlake/kaudit/prod/events/v1/dt%3D2026-11-20/hour%3D14/b-1.ndjson.gz',
      ].join('\n'),
    );
  });

  it('signs a List Blobs with its query parameters sorted by name and decoded, and an empty Content-Length', () => {
    // Prepare: an emulator's path-style URL, whose path starts with the account.
    const request: SignableRequest = {
      method: 'GET',
      url: new URL('http://127.0.0.1:10000/devstoreaccount1/kaudit?restype=container&comp=list&prefix=t-1%2Fevents%2Fv1%2F&marker=2%2150%21a%3Db%26c'),
      headers: { 'x-ms-date': DATE, 'x-ms-version': '2025-11-05' },
      contentLength: 0,
    };

    // Act
    const stringToSign = sharedKeyStringToSign('devstoreaccount1', request);

    // Assess
    expect(stringToSign).toBe(
      [
        'GET',
        ...Array<string>(11).fill(''),
        `x-ms-date:${DATE}`,
        'x-ms-version:2025-11-05',
        '/devstoreaccount1/devstoreaccount1/kaudit',
        'comp:list',
        'marker:2!50!a=b&c',
        'prefix:t-1/events/v1/',
        'restype:container',
      ].join('\n'),
    );
  });

  it('lower-cases query parameter names and joins the sorted values of a repeated one with commas', () => {
    // Prepare
    const request: SignableRequest = {
      method: 'GET',
      url: new URL('https://auditlake.blob.core.windows.net/kaudit?restype=container&Include=snapshots&comp=list&include=metadata'),
      headers: { 'x-ms-date': DATE },
      contentLength: 0,
    };

    // Act
    const stringToSign = sharedKeyStringToSign(ACCOUNT, request);

    // Assess
    expect(stringToSign.split('\n').slice(-4)).toEqual(['/auditlake/kaudit', 'comp:list', 'include:metadata,snapshots', 'restype:container']);
  });

  it('leaves the Content-Length line empty for a body of no bytes', () => {
    // Prepare
    const request: SignableRequest = { method: 'PUT', url: new URL('https://auditlake.blob.core.windows.net/kaudit/empty'), headers: { 'x-ms-date': DATE }, contentLength: 0 };

    // Act
    const lines = sharedKeyStringToSign(ACCOUNT, request).split('\n');

    // Assess
    expect(lines.slice(0, 4)).toEqual(['PUT', '', '', '']);
  });
});

describe('sharedKeyAuthorization', () => {
  it('is "SharedKey ACCOUNT:" and the base64 HMAC-SHA256 of the string to sign under the account key', () => {
    // Prepare
    const request: SignableRequest = {
      method: 'GET',
      url: new URL('https://auditlake.blob.core.windows.net/kaudit/prod/q.ndjson.gz'),
      headers: { 'x-ms-version': '2025-11-05', 'x-ms-date': DATE },
      contentLength: 0,
    };
    const stringToSign = ['GET', ...Array<string>(11).fill(''), `x-ms-date:${DATE}`, 'x-ms-version:2025-11-05', '/auditlake/kaudit/prod/q.ndjson.gz'].join('\n');

    // Act
    const authorization = sharedKeyAuthorization(ACCOUNT, KEY, request);

    // Assess
    expect(authorization).toBe(`SharedKey auditlake:${documentedSignature(stringToSign)}`);
  });
});
