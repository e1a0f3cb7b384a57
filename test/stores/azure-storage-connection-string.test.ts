/**
 * AZURE_STORAGE_CONNECTION_STRING in the forms the Azure portal and Azurite give it: where the
 * Blob service is, which account it is for, and how to sign in; errors that never quote the key.
 */
import { describe, expect, it } from 'vitest';
import { parseBlobConnectionString } from '../../shared/store/azure-storage-connection-string.ts';

const KEY = Buffer.from('kaudit test key: not any account key').toString('base64');

describe('parseBlobConnectionString', () => {
  it('reads an account key string with the public cloud’s endpoint', () => {
    // Act
    const connection = parseBlobConnectionString(`DefaultEndpointsProtocol=https;AccountName=auditlake;AccountKey=${KEY};EndpointSuffix=core.windows.net`);

    // Assess
    expect(connection).toEqual({ account: 'auditlake', endpoint: 'https://auditlake.blob.core.windows.net', credential: { kind: 'shared-key', key: Buffer.from(KEY, 'base64') } });
  });

  it('builds the endpoint of a sovereign cloud from EndpointSuffix', () => {
    // Act
    const connection = parseBlobConnectionString(`AccountName=auditlake;AccountKey=${KEY};EndpointSuffix=core.chinacloudapi.cn`);

    // Assess
    expect(connection.endpoint).toBe('https://auditlake.blob.core.chinacloudapi.cn');
  });

  it('takes BlobEndpoint over the account’s host, as an emulator needs, without its trailing slash', () => {
    // Act
    const connection = parseBlobConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1/;`,
    );

    // Assess
    expect(connection).toMatchObject({ account: 'devstoreaccount1', endpoint: 'http://127.0.0.1:41234/devstoreaccount1' });
  });

  it.each([
    ['the host of a service endpoint', 'https://auditlake.blob.core.windows.net', 'auditlake'],
    ['the path of an emulator’s endpoint', 'http://127.0.0.1:10000/devstoreaccount1', 'devstoreaccount1'],
  ])('reads a SAS string, its account from %s', (_, endpoint, account) => {
    // Act
    const connection = parseBlobConnectionString(`BlobEndpoint=${endpoint};SharedAccessSignature=?sv=2025-11-05&ss=b&srt=co&sp=rwl&se=2026-12-01T00:00:00Z&sig=c2lnbmF0dXJl`);

    // Assess
    expect(connection).toEqual({ account, endpoint, credential: { kind: 'sas', token: 'sv=2025-11-05&ss=b&srt=co&sp=rwl&se=2026-12-01T00:00:00Z&sig=c2lnbmF0dXJl' } });
  });

  it('reads UseDevelopmentStorage=true as Azurite’s development account on its default port', () => {
    // Act
    const connection = parseBlobConnectionString('UseDevelopmentStorage=true');

    // Assess
    expect(connection).toMatchObject({ account: 'devstoreaccount1', endpoint: 'http://127.0.0.1:10000/devstoreaccount1', credential: { kind: 'shared-key' } });
  });

  it.each([
    ['no key or SAS', 'AccountName=auditlake;EndpointSuffix=core.windows.net', 'expected AccountKey or SharedAccessSignature'],
    ['a key without an account', `AccountKey=${KEY};BlobEndpoint=https://auditlake.blob.core.windows.net`, 'AccountKey needs AccountName'],
    ['a key that is not base64', 'AccountName=auditlake;AccountKey=not base64!', 'AccountKey is not base64'],
    ['a BlobEndpoint that is not a URL', `AccountName=auditlake;AccountKey=${KEY};BlobEndpoint=auditlake`, 'BlobEndpoint is not a URL'],
    ['a BlobEndpoint that is not http', `AccountName=auditlake;AccountKey=${KEY};BlobEndpoint=ftp://auditlake`, 'the Blob endpoint is not an http or https URL'],
    ['text that is no Name=Value pairs', `${KEY}`, 'expected Name=Value pairs separated by ";"'],
  ])('refuses %s, naming the setting and never the key', (_, text, problem) => {
    // Act
    const parsing = () => parseBlobConnectionString(text);

    // Assess
    expect(parsing).toThrow(`invalid AZURE_STORAGE_CONNECTION_STRING: ${problem}`);
    expect(() => parsing()).not.toThrow(KEY);
  });
});
