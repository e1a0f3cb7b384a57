import { type ObjectStore, type StoredObject, StoreError } from '../../../shared/store/object-store.ts';

/** Whether the n-th put of a store's life (from 1) fails. */
export type FaultPlan = (put: number) => boolean;

/** The outages the fault-injection suite plays. */
export const FAULTS = {
  none: (): FaultPlan => () => false,
  /** The first `k` puts fail, then the store has recovered. */
  firstPuts:
    (k: number): FaultPlan =>
    (put) =>
      put <= k,
  /** Every put fails: the store is down for good (until `recover()`). */
  always: (): FaultPlan => () => true,
  /** Only the n-th put fails: with n = 2, a crash between the two objects of a batch spanning two hours. */
  onlyPut:
    (n: number): FaultPlan =>
    (put) =>
      put === n,
  /** The n-th put and every one after fail: a crash midway through a batch, and no recovery. */
  fromPut:
    (n: number): FaultPlan =>
    (put) =>
      put >= n,
};

/**
 * Fault injection: a real store that fails the puts a plan names, the way an outage does (a
 * StoreError, nothing written), and passes everything else through untouched.
 */
export class FaultyObjectStore implements ObjectStore {
  puts = 0;
  injected = 0;

  constructor(
    private readonly inner: ObjectStore,
    private plan: FaultPlan,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  get localRoot(): string | undefined {
    return this.inner.localRoot;
  }

  /** Ends the outage: every later put goes through. */
  recover(): void {
    this.plan = FAULTS.none();
  }

  putIfAbsent(key: string, body: Uint8Array): Promise<'created' | 'exists'> {
    return this.put(key, () => this.inner.putIfAbsent(key, body));
  }

  putFileIfAbsent(key: string, file: string): Promise<'created' | 'exists'> {
    return this.put(key, () => this.inner.putFileIfAbsent(key, file));
  }

  private async put(key: string, write: () => Promise<'created' | 'exists'>): Promise<'created' | 'exists'> {
    this.puts++;
    if (this.plan(this.puts)) {
      this.injected++;
      throw new StoreError(`injected fault: put ${this.puts} of ${key} failed`, key);
    }
    return write();
  }

  list(prefix: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix);
  }

  get(key: string): Promise<Buffer> {
    return this.inner.get(key);
  }
}
