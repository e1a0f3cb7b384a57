import type { CanonicalEvent } from '../schema/canonical-event.ts';
import { DEDUPE_KEY } from './dedupe-rule.ts';

/**
 * The first leg of the dedupe rule (./dedupe-rule.ts): remembers the events of one batch, so that a
 * repeat of one is counted as a duplicate instead of stored again.
 */
export class BatchDeduper {
  private readonly seen = new Set<string>();

  /** Whether an event with this one's id came earlier in the batch; remembers it when not. */
  isRepeat(event: CanonicalEvent): boolean {
    const key = event[DEDUPE_KEY];
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return false;
  }
}
