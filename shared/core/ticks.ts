/** What {@link withTicks} yields when its interval has passed. */
export const TICK = Symbol('tick');
export type Tick = typeof TICK;

/**
 * The items of `source`, with a {@link TICK} every `intervalMs` however often items arrive, so a
 * consumer holding items back (a batch being filled from a slow pipe) can act on time as well as
 * on size. The next item is asked for only once the previous one has been consumed.
 */
export async function* withTicks<T>(source: AsyncIterable<T>, intervalMs: number, now: () => number = Date.now): AsyncGenerator<T | Tick, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let deadline = now() + intervalMs;
  let next = iterator.next();
  try {
    for (;;) {
      const wait = deadline - now();
      if (wait <= 0) {
        deadline = now() + intervalMs;
        yield TICK;
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Tick>((resolve) => {
        timer = setTimeout(resolve, wait, TICK);
      });
      const result = await Promise.race([next, timeout]);
      clearTimeout(timer);
      if (result === TICK) continue;
      if (result.done) return;
      yield result.value;
      next = iterator.next();
    }
  } finally {
    await iterator.return?.();
  }
}
