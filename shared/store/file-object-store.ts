import { randomBytes } from 'node:crypto';
import { type Dirent, promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { messageOf } from '../core/errors.ts';
import { confinedDirectory, confinedExisting, confinedIfExists, isInside, realPathIfExists } from './directory-confinement.ts';
import { partsOf } from './file-parts.ts';
import { type ObjectStore, type StoredObject, StoreError } from './object-store.ts';

/** Permission bits of what the store creates. */
interface Modes {
  file: number;
  directory: number;
}

/** Audit data is for the store's own user only. */
const PRIVATE: Modes = { file: 0o600, directory: 0o700 };
/** A setgid store directory its group may read (`chmod 2750`) shares the lake with that group, read-only. */
const GROUP_READABLE: Modes = { file: 0o640, directory: 0o2750 };
const SETGID_AND_GROUP_READ = 0o2040;

/** The store directory as the writes found it: its real path, and the modes its own mode calls for. */
interface OpenedRoot {
  real: string;
  modes: Modes;
}

/** Files stat'ed between two turns of the event loop while listing. */
const STATS_PER_TURN = 256;

/**
 * `file://PATH` (relative paths allowed): the embedded default store, a directory tree. Every path
 * is checked where it really leads, links followed (directory-confinement.ts), and everything it
 * creates gets its mode explicitly, whatever the umask.
 */
export class FileObjectStore implements ObjectStore {
  readonly localRoot: string;
  /** As the last write that had to create a directory found it. */
  private root: OpenedRoot | undefined;

  constructor(readonly url: string) {
    this.localRoot = path.resolve(fileStorePath(url));
  }

  putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    return this.create(key, (handle) => handle.writeFile(body));
  }

  putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    return this.create(key, async (handle) => {
      for await (const part of partsOf(file)) await handle.write(part);
    });
  }

  /** Writes a new object at `key` through `write`, unless one is there: written aside, then linked in. */
  private async create(key: string, write: (handle: fs.FileHandle) => Promise<unknown>): Promise<'created' | 'exists'> {
    const relative = this.relativeOf(key);
    let temporary: string | undefined;
    try {
      const { directory, modes } = await this.directoryOf(relative);
      const name = path.basename(relative);
      // Dot-prefixed so that readers globbing *.ndjson.gz never see it half written.
      temporary = path.join(directory, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      await writeNewFile(temporary, modes.file, write);
      // link() creates the name only if it is free: atomic create-if-absent, where rename would overwrite.
      // Only its EEXIST means "already stored": mkdir's (a file where a directory belongs) is a failure.
      const linked = await fs.link(temporary, path.join(directory, name)).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      );
      return linked ? 'created' : 'exists';
    } catch (error) {
      throw new StoreError(`cannot write ${path.join(this.localRoot, relative)}: ${messageOf(error)}`, key, { cause: error });
    } finally {
      if (temporary) await fs.rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const relative = this.relativeOf(prefix.endsWith('/') ? prefix : path.posix.dirname(prefix));
    let start: string;
    try {
      const realRoot = await realPathIfExists(this.localRoot);
      if (realRoot === undefined) return;
      start = await confinedExisting(realRoot, this.localRoot, relative);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError(`cannot list ${path.join(this.localRoot, relative)}: ${messageOf(error)}`, prefix, { cause: error });
    }
    const found = (await walk(start))
      .map((file) => ({ file, key: path.join(relative, path.relative(start, file)).split(path.sep).join('/') }))
      .filter(({ file, key }) => key.startsWith(prefix) && !path.basename(file).startsWith('.'));
    for (let start = 0; start < found.length; start += STATS_PER_TURN) {
      const batch = found.slice(start, start + STATS_PER_TURN);
      // Synchronous stats: on a local disk, a thread-pool round trip per file costs more than the stat itself.
      const sizes = batch.map(({ file }) => statSync(file).size);
      for (const [index, { key }] of batch.entries()) yield { key, size: sizes[index] as number };
      // Between batches the event loop turns, so a server listing a large lake keeps answering.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async get(key: string): Promise<Buffer> {
    const relative = this.relativeOf(key);
    try {
      return await fs.readFile(await confinedExisting(await fs.realpath(this.localRoot), this.localRoot, relative));
    } catch (error) {
      throw new StoreError(`cannot read ${path.join(this.localRoot, relative)}: ${messageOf(error)}`, key, { cause: error });
    }
  }

  /** The key as a path relative to the root; a key that reads as leaving it (`../x`) is refused before any I/O. */
  private relativeOf(key: string): string {
    const resolved = path.resolve(this.localRoot, key);
    if (!isInside(this.localRoot, resolved)) throw new StoreError(`key ${JSON.stringify(key)} leaves the store directory`, key);
    return path.relative(this.localRoot, resolved);
  }

  /** The real directory a key goes in, created if missing, and the modes of what is written there. */
  private async directoryOf(relative: string): Promise<{ directory: string; modes: Modes }> {
    const parent = path.dirname(relative);
    // Every write but a partition's first finds its directory there: one lookup settles it.
    const known = this.root;
    const existing = known && (await confinedIfExists(known.real, this.localRoot, parent));
    if (known && existing) return { directory: existing, modes: known.modes };
    // Otherwise the root is looked at afresh: it may be missing, removed, or have a new mode.
    const root = await this.openRoot();
    this.root = root;
    return { directory: await confinedDirectory(root.real, this.localRoot, parent, root.modes.directory), modes: root.modes };
  }

  /** The root, created private if missing. */
  private async openRoot(): Promise<OpenedRoot> {
    const created = await fs.mkdir(this.localRoot, { recursive: true, mode: PRIVATE.directory });
    if (created !== undefined) await fs.chmod(this.localRoot, PRIVATE.directory);
    const real = await fs.realpath(this.localRoot);
    const shared = ((await fs.stat(real)).mode & SETGID_AND_GROUP_READ) === SETGID_AND_GROUP_READ;
    return { real, modes: shared ? GROUP_READABLE : PRIVATE };
  }
}

/** Creates `file` (never through an existing name or link) with exactly `mode`, and writes it through `write`. */
async function writeNewFile(file: string, mode: number, write: (handle: fs.FileHandle) => Promise<unknown>): Promise<void> {
  const handle = await fs.open(file, 'wx', mode);
  try {
    await handle.chmod(mode);
    await write(handle);
  } finally {
    await handle.close();
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
  let entries: Dirent[];
  try {
    entries = await fs.readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // Subdirectories read together (a lake has one per hour); the result keeps name order.
  const found = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) return walk(full);
        return entry.isFile() ? [full] : [];
      }),
  );
  return found.flat();
}
