import path from 'node:path';
import { type CompactionSummary, compactLake, DEFAULT_GRACE_MS } from '../../shared/compaction/compactor.ts';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import type { ObjectStore, StoredObject } from '../../shared/store/object-store.ts';
import { auditEvent, canonicalOf, sourceRecord } from './audit-events.ts';

/** A moment long after the test events: every hour of them is closed. */
export const LATER = new Date('2026-11-23T00:00:00Z');

/** One canonical event per time, each its own request (`<prefix>-<n>`). */
export function eventsAt(prefix: string, times: readonly string[]): CanonicalEvent[] {
  return times.map((time, index) => canonicalOf(sourceRecord(auditEvent({ auditID: `${prefix}-${index}`, stageTimestamp: time, requestReceivedTimestamp: time }))));
}

/** Stores events as one batch, as a delivery would (one object per hour it touches). */
export async function storeBatch(store: ObjectStore, batchKey: string, events: readonly CanonicalEvent[]): Promise<void> {
  await new LakeEventStore(store).writeEvents(batchKey, [...events]);
}

/** `compactLake` as `kaudit compact` runs it, at `now`, staging under `workDir`. */
export function compact(store: ObjectStore, workDir: string, now: Date = LATER, before: Date | null = null): Promise<CompactionSummary> {
  return compactLake(store, { now, before, graceMs: DEFAULT_GRACE_MS, workDir: path.join(workDir, 'compact-work') });
}

/** A store that fails its `failAt`-th write (counting from 1), as a process killed there would stop. */
export class FailingStore implements ObjectStore {
  readonly url: string;
  readonly localRoot: string | undefined;
  private writes = 0;

  constructor(
    private readonly inner: ObjectStore,
    private readonly failAt: number,
  ) {
    this.url = inner.url;
    this.localRoot = inner.localRoot;
  }

  putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    return this.write(key, () => this.inner.putIfAbsent(key, body));
  }

  putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    return this.write(key, () => this.inner.putFileIfAbsent(key, file));
  }

  private write(key: string, put: () => Promise<'created' | 'exists'>): Promise<'created' | 'exists'> {
    this.writes++;
    if (this.writes === this.failAt) return Promise.reject(new Error(`killed before writing ${key}`));
    return put();
  }

  list(prefix: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix);
  }

  get(key: string): Promise<Buffer> {
    return this.inner.get(key);
  }
}
