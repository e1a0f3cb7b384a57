/**
 * The few operations the lake needs from a place that holds objects: a directory, an S3 bucket,
 * a Blob container. Layout and serialization live above this, once, in {@link LakeEventStore}.
 */
export interface ObjectStore {
  /** The store URL it was opened from, for messages. */
  readonly url: string;
  /**
   * Creates the object unless one exists at that key, and never overwrites: a redelivered batch
   * finds its object already there. Atomic: a reader sees the whole object or none of it.
   */
  putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'>;
  /**
   * {@link putIfAbsent} of the local file `file`, read in parts as it is sent (file-parts.ts),
   * so that a large object is never held whole. The same guarantees: create-only, all or nothing.
   */
  putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'>;
  /** Objects under a key prefix. */
  list(prefix: string): AsyncIterable<StoredObject>;
  get(key: string): Promise<Buffer>;
  /** The store's directory when it is on this machine, so queries can read it in place. */
  readonly localRoot?: string;
  /** Set where an outside engine reads objects through lists of their URIs (S3: Athena). */
  readonly symlinkLists?: SymlinkLists;
}

/**
 * Lists of object URIs at fixed keys, for an engine that reads a table through them (Athena's
 * `SymlinkTextInputFormat`). The one place kaudit replaces an object: a list is derived text,
 * rewritten whenever the hour it describes is compacted again.
 */
export interface SymlinkLists {
  /** The URI the engine reads `key` by, e.g. `s3://bucket/prefix/key`. */
  uriOf(key: string): string;
  /** Writes the list at `key`, replacing the one there. Atomic: a reader sees the old list or the new one. */
  replace(key: string, body: Uint8Array): Promise<void>;
}

export interface StoredObject {
  key: string;
  size: number;
}

/** A store operation that failed for good, naming the store and the key. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
