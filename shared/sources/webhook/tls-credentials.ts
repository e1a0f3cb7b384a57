import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { TlsCredentials } from './node-server.ts';

/**
 * The serving certificate and private key of `kaudit serve`, checked before it listens: the
 * certificate file must hold a PEM certificate (its chain may follow), the key file an
 * unencrypted PEM private key, and the key must be the certificate's. Errors name the file and
 * the problem (with OpenSSL's error code), never the content: a key is a secret.
 */
export async function readTlsCredentials(certPath: string, keyPath: string): Promise<TlsCredentials> {
  const [cert, key] = await Promise.all([readCredentialFile(certPath, 'certificate'), readCredentialFile(keyPath, 'private key')]);
  const certificate = attempt(() => new X509Certificate(cert), `${certPath}: not a PEM X.509 certificate`);
  const privateKey: KeyObject = attempt(() => createPrivateKey(key), `${keyPath}: not an unencrypted PEM private key`);
  if (!certificate.checkPrivateKey(privateKey)) throw new Error(`${keyPath}: not the private key of the certificate in ${certPath}`);
  attempt(() => createSecureContext({ cert, key }), `${certPath}, ${keyPath}: cannot serve TLS with this certificate and key`);
  return { cert, key };
}

async function readCredentialFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read the TLS ${what}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/** `check()`, or an error saying `problem` with the code of the error it threw (OpenSSL's messages are not shown). */
function attempt<T>(check: () => T, problem: string): T {
  try {
    return check();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    throw new Error(code ? `${problem} (${code})` : problem);
  }
}
