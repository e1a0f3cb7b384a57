/**
 * `kaudit serve --tls-cert --tls-key`: HTTPS with a self-signed certificate made by openssl for
 * 127.0.0.1, the way a cluster's API server would reach it with the CA in its webhook kubeconfig.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../shared/cli/cli-io.ts';
import { type ServeOptions, serveCommand } from '../../../shared/cli/commands/serve.ts';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';
import { healthStatus, RawClient } from '../../helpers/raw-client.ts';
import { capturedIo, PROD_TOKEN, type Serving, serve } from '../../helpers/webhook-server.ts';

/** A self-signed certificate for IP 127.0.0.1 and its key, as PEM files in `dir`. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=kaudit',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** An HTTPS request trusting only `ca`, on a connection of its own. */
function httpsRequest(url: string, ca: Buffer, fields: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: fields.method ?? 'GET', headers: fields.headers, ca, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject).end(fields.body);
  });
}

describe('kaudit serve over TLS', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let server: Serving | undefined;
  let files: { cert: string; key: string };
  let ca: Buffer;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    files = selfSignedCertificate(lake.root);
    ca = await readFile(files.cert);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await lake.cleanup();
  });
  const tlsOptions = (): Partial<ServeOptions> => ({ tlsCert: files.cert, tlsKey: files.key, headerTimeout: '0.3', requestTimeout: '1' });

  it('stores a batch POSTed over HTTPS by a client that trusts the certificate', async () => {
    // Prepare
    server = await serve(lake.root, lake.url, {}, tlsOptions());

    // Act
    const response = await httpsRequest(`${server.url}/audit`, ca, {
      method: 'POST',
      headers: { authorization: `Bearer ${PROD_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(eventList([auditEvent({ auditID: 'over-tls' })])),
    });

    // Assess
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    expect((await readRows(lake.url, 'events/v1/')).map((row) => row.audit_id)).toEqual(['over-tls']);
  });

  it('closes a connection that never starts the TLS handshake, and still serves', async () => {
    // Prepare
    server = await serve(lake.root, lake.url, {}, tlsOptions());

    // Act
    const client = await RawClient.connect(server.url);

    // Assess
    expect(await client.closedWithin()).toBe(true);
    expect((await httpsRequest(`${server.url}/healthz`, ca)).status).toBe(200);
  });

  it('drops plain HTTP sent to the TLS port, and still serves', async () => {
    // Prepare
    server = await serve(lake.root, lake.url, {}, tlsOptions());

    // Act
    const status = await healthStatus(server.url);

    // Assess
    expect(status).toBeNull();
    expect((await httpsRequest(`${server.url}/healthz`, ca)).status).toBe(200);
  });

  it('listens on every interface over TLS without the clear-text warning', async () => {
    // Prepare
    const { io, stderr } = capturedIo(lake.root);
    await writeFile(path.join(lake.root, 'tokens.json'), JSON.stringify({ [PROD_TOKEN]: { cluster_name: 'onprem-prod' } }));

    // Act: stopped as soon as it listens.
    const exitCode = await serveCommand({ port: '0', host: '0.0.0.0', tokens: 'tokens.json', store: lake.url, tlsCert: files.cert, tlsKey: files.key }, io, AbortSignal.abort());

    // Assess
    expect(exitCode).toBe(0);
    expect(stderr()).toMatch(/listening on https:\/\/0\.0\.0\.0:\d+/);
    expect(stderr()).not.toContain('warning');
  });

  describe('refuses, as a usage error naming the file', () => {
    const start = (options: Partial<ServeOptions>) => {
      const { io } = capturedIo(lake.root);
      return serveCommand({ port: '0', host: '127.0.0.1', tokens: 'tokens.json', store: lake.url, ...options }, io, AbortSignal.abort());
    };
    const SECRET = 'not-a-key-but-a-secret-3f9a7c';

    it('a certificate without its key', async () => {
      // Act
      const starting = start({ tlsCert: files.cert });

      // Assess
      await expect(starting).rejects.toThrow(new UsageError('--tls-cert needs --tls-key: give both to serve HTTPS, or neither for plain HTTP'));
    });

    it('a key without its certificate', async () => {
      // Act
      const starting = start({ tlsKey: files.key });

      // Assess
      await expect(starting).rejects.toThrow(new UsageError('--tls-key needs --tls-cert: give both to serve HTTPS, or neither for plain HTTP'));
    });

    it('a key file that cannot be read', async () => {
      // Act
      const starting = start({ tlsCert: files.cert, tlsKey: 'missing.key' });

      // Assess
      await expect(starting).rejects.toThrow(`${path.join(lake.root, 'missing.key')}: cannot read the TLS private key: ENOENT`);
    });

    it('a certificate file that holds no certificate', async () => {
      // Act
      const starting = start({ tlsCert: files.key, tlsKey: files.key });

      // Assess
      await expect(starting).rejects.toThrow(new RegExp(`^${files.key}: not a PEM X\\.509 certificate \\(ERR_OSSL_\\w+\\)$`));
    });

    it('a key file that holds no key, without printing what it holds', async () => {
      // Prepare
      const notAKey = path.join(lake.root, 'secret.key');
      await writeFile(notAKey, `${SECRET}\n`);

      // Act
      const failure = await start({ tlsCert: files.cert, tlsKey: notAKey }).catch((error: Error) => error);

      // Assess
      expect(failure).toBeInstanceOf(UsageError);
      expect((failure as Error).message).toMatch(new RegExp(`^${notAKey}: not an unencrypted PEM private key \\(ERR_OSSL_\\w+\\)$`));
      expect((failure as Error).message).not.toContain(SECRET);
    });

    it('a key that is not the certificate’s', async () => {
      // Prepare
      const otherKey = path.join(lake.root, 'other.key');
      await writeFile(otherKey, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));

      // Act
      const starting = start({ tlsCert: files.cert, tlsKey: otherKey });

      // Assess
      await expect(starting).rejects.toThrow(new UsageError(`${otherKey}: not the private key of the certificate in ${files.cert}`));
    });
  });
});
