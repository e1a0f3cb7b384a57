import type { TokenTable } from './tokens.ts';

/** Where a receiver's tokens come from, asked once per request. */
export interface TokenSource {
  /** The table to check a request bearing `token` (null: none) against. */
  tableFor(token: string | null): Promise<TokenTable>;
}

/** Tokens read once, from a file or a setting: changing them means restarting. */
export function fixedTokens(table: TokenTable): TokenSource {
  return { tableFor: async () => table };
}

export interface RefreshOptions {
  /** No read sooner than this after the previous one began, whatever requests arrive. */
  minIntervalMs: number;
  /** A table read longer ago than this is read again before it is used: how long a removed token keeps working. */
  maxAgeMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** A read that failed after the first: the previous table stays in force. */
  onRefreshError: (error: Error) => void;
}

/**
 * A minute between reads bounds what a flood of made-up tokens costs to one secret store read per
 * minute per instance, and is how long a new token may be refused; five minutes is how long a
 * removed token may still be accepted.
 */
export const SECRET_REFRESH: Omit<RefreshOptions, 'now' | 'onRefreshError'> = { minIntervalMs: 60_000, maxAgeMs: 5 * 60_000 };

/**
 * Tokens kept in a secret store, read at cold start and again, at most once per `minIntervalMs`,
 * when a request brings a token the table does not know (a new cluster, a rotated token) or the
 * table is older than `maxAgeMs` (a token removed). Requests during a read wait for it and share it.
 */
export class RefreshingTokens implements TokenSource {
  private reading: Promise<void> | null = null;

  private constructor(
    private readonly read: () => Promise<TokenTable>,
    private table: TokenTable,
    private readAt: number,
    private lastAttemptAt: number,
    private readonly options: RefreshOptions,
  ) {}

  /** The source, once its first read succeeded: a cold start with no tokens fails. */
  static async open(read: () => Promise<TokenTable>, options: RefreshOptions): Promise<RefreshingTokens> {
    const startedAt = options.now();
    return new RefreshingTokens(read, await read(), startedAt, startedAt, options);
  }

  async tableFor(token: string | null): Promise<TokenTable> {
    const stale = this.options.now() - this.readAt >= this.options.maxAgeMs;
    if (stale || (token !== null && this.table.identify(token) === null)) await this.refresh();
    return this.table;
  }

  private refresh(): Promise<void> {
    if (this.reading) return this.reading;
    const startedAt = this.options.now();
    if (startedAt - this.lastAttemptAt < this.options.minIntervalMs) return Promise.resolve();
    this.lastAttemptAt = startedAt;
    this.reading = this.read()
      .then(
        (table) => {
          this.table = table;
          this.readAt = startedAt;
        },
        (error: unknown) => this.options.onRefreshError(error instanceof Error ? error : new Error(String(error))),
      )
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }
}
