/**
 * `kaudit serve` run in-process on 127.0.0.1 with a tokens file for two clusters, and the clients
 * the webhook tests talk to it with.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../shared/cli/cli-io.ts';
import { type ServeOptions, serveCommand } from '../../shared/cli/commands/serve.ts';

export const PROD_TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';
export const LAB_TOKEN = 'lab-token-8e2d7a4e3f5b1f0c';
const TOKENS = {
  [PROD_TOKEN]: { cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' },
  [LAB_TOKEN]: { cluster_name: 'onprem-lab', cluster_id: 'dc1/onprem-lab' },
};

export interface Serving {
  /** `http(s)://127.0.0.1:PORT` */
  url: string;
  /** Stops the server; resolves with the command's exit code. */
  stop: () => Promise<number>;
  /** What it printed on stderr so far. */
  stderr: () => string;
}

/** A CliIo whose stderr is kept, for commands run in-process from `cwd`. */
export function capturedIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIo; stderr: () => string } {
  const stderr = new PassThrough();
  let printed = '';
  stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  return { io: { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env, cwd }, stderr: () => printed };
}

/**
 * Runs `kaudit serve --host 127.0.0.1 --port 0 --tokens <dir>/tokens.json --store <store>` (plus
 * `options`) until `stop`, and resolves once it is listening.
 */
export async function serve(dir: string, store: string, env: NodeJS.ProcessEnv = {}, options: Partial<ServeOptions> = {}): Promise<Serving> {
  await writeFile(path.join(dir, 'tokens.json'), JSON.stringify(TOKENS));
  const { io, stderr } = capturedIo(dir, env);
  const controller = new AbortController();
  const running = serveCommand({ port: '0', host: '127.0.0.1', tokens: 'tokens.json', store, ...options }, io, controller.signal);
  const url = await new Promise<string>((resolve, reject) => {
    running.catch(reject);
    io.stderr.on('data', () => {
      const match = /listening on (https?:\/\/\S+)/.exec(stderr());
      if (match) resolve(match[1] as string);
    });
  });
  return {
    url,
    stop: () => {
      controller.abort();
      return running;
    },
    stderr,
  };
}

/** POSTs a body (JSON-encoded unless a string) with a bearer token, or none. */
export function post(url: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}
