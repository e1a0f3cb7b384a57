import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StoreError, type ObjectStore, type StoredObject } from './object-store.ts';

/** `file://PATH` (relative paths allowed): the embedded default store, a directory tree. */
export class FileObjectStore implements ObjectStore {
  readonly localRoot: string;

  constructor(readonly url: string) {
    this.localRoot = path.resolve(fileStorePath(url));
  }

  async putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    const target = this.pathOf(key);
    const directory = path.dirname(target);
    // Dot-prefixed so that readers globbing *.ndjson.gz never see it half written.
    const temporary = path.join(directory, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.mkdir(directory, { recursive: true });
      await fs.writeFile(temporary, body, { flag: 'wx' });
      // link() creates the name only if it is free: atomic create-if-absent, where rename would overwrite.
      // Only its EEXIST means "already stored": mkdir's (a file where a directory belongs) is a failure.
      const linked = await fs.link(temporary, target).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      );
      return linked ? 'created' : 'exists';
    } catch (error) {
      throw new StoreError(`cannot write ${target}: ${(error as Error).message}`, key, { cause: error });
    } finally {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const start = this.pathOf(prefix.endsWith('/') ? prefix : path.posix.dirname(prefix));
    for (const file of await walk(start)) {
      const key = path.relative(this.localRoot, file).split(path.sep).join('/');
      if (key.startsWith(prefix) && !path.basename(file).startsWith('.')) yield { key, size: (await fs.stat(file)).size };
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      throw new StoreError(`cannot read ${this.pathOf(key)}: ${(error as Error).message}`, key, { cause: error });
    }
  }

  private pathOf(key: string): string {
    const resolved = path.resolve(this.localRoot, key);
    if (resolved !== this.localRoot && !resolved.startsWith(this.localRoot + path.sep)) {
      throw new StoreError(`key ${JSON.stringify(key)} leaves the store directory`, key);
    }
    return resolved;
  }
}

/** The directory of a `file://` URL: `file://./data` → `./data`, `file:///var/data` → `/var/data`. */
export function fileStorePath(url: string): string {
  if (!url.startsWith('file://')) throw new Error(`not a file:// store URL: ${url}`);
  const rest = decodeURIComponent(url.slice('file://'.length));
  if (rest === '') throw new Error(`file:// store URL has no path: ${url}`);
  return rest.startsWith('localhost/') ? rest.slice('localhost'.length) : rest;
}

/**
 * A relative `file://` URL made absolute against `cwd`; other URLs as they are. The CLI runs with
 * its own working directory (in tests, not the process's), and the default store is relative.
 */
export function resolveFileStoreUrl(url: string, cwd: string): string {
  if (!url.startsWith('file://')) return url;
  const directory = fileStorePath(url);
  return path.isAbsolute(directory) ? url : `file://${encodeURI(path.resolve(cwd, directory))}`;
}

async function walk(directory: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}
