import { describe, expect, it } from 'vitest';
import { RefreshingTokens, SECRET_REFRESH } from '../../../shared/sources/webhook/token-source.ts';
import { parseTokenTable, type TokenTable } from '../../../shared/sources/webhook/tokens.ts';

const PROD_TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';
const ROTATED_TOKEN = 'prod-token-rotated-8e4d2a7c91';
const STAGING_TOKEN = 'staging-token-0a9c3e6f1b2d';
const MINUTE = 60_000;

function tokens(entries: Record<string, string>): TokenTable {
  return parseTokenTable(JSON.stringify(Object.fromEntries(Object.entries(entries).map(([token, cluster]) => [token, { cluster_name: cluster }]))), 'the secret');
}

/**
 * A secret store whose content the test changes, read by `RefreshingTokens` on a clock the test
 * moves; `reads` counts the reads, `failing` makes them fail.
 */
function secretStore(initial: TokenTable) {
  const store = { content: initial, reads: 0, failing: false, time: Date.parse('2026-11-20T14:00:00Z'), errors: [] as string[] };
  const read = async (): Promise<TokenTable> => {
    store.reads++;
    if (store.failing) throw new Error('Secrets Manager secret kaudit-webhook-tokens: cannot read it: ThrottlingException (HTTP 400): Rate exceeded');
    return store.content;
  };
  const open = () => RefreshingTokens.open(read, { ...SECRET_REFRESH, now: () => store.time, onRefreshError: (error) => void store.errors.push(error.message) });
  return { store, open };
}

describe('RefreshingTokens', () => {
  it('reads the secret once at cold start and answers known tokens from it', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();

    // Act
    const table = await source.tableFor(PROD_TOKEN);
    await source.tableFor(PROD_TOKEN);

    // Assess
    expect(table.identify(PROD_TOKEN)).toMatchObject({ cluster_name: 'onprem-prod' });
    expect(store.reads).toBe(1);
  });

  it('fails the cold start when the first read fails', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    store.failing = true;

    // Act
    const opening = open();

    // Assess
    await expect(opening).rejects.toThrow('Rate exceeded');
  });

  it('reads the secret again when an unknown token arrives a minute after the last read, and accepts a token added since', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.content = tokens({ [PROD_TOKEN]: 'onprem-prod', [STAGING_TOKEN]: 'onprem-staging' });
    store.time += MINUTE;

    // Act
    const table = await source.tableFor(STAGING_TOKEN);

    // Assess
    expect(table.identify(STAGING_TOKEN)).toMatchObject({ cluster_name: 'onprem-staging' });
    expect(store.reads).toBe(2);
  });

  it('reads at most once a minute, however many unknown tokens arrive (100 in 100 seconds)', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.time += MINUTE;

    // Act
    for (let attempt = 0; attempt < 100; attempt++) {
      await source.tableFor(`made-up-token-${attempt}-0000000000`);
      store.time += 1_000;
    }

    // Assess: the read at the first unknown token, and the one a minute after it.
    expect(store.reads).toBe(3);
  });

  it('lets requests that arrive during a read wait for it and share it', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.content = tokens({ [STAGING_TOKEN]: 'onprem-staging' });
    store.time += MINUTE;

    // Act
    const tables = await Promise.all([source.tableFor(STAGING_TOKEN), source.tableFor(STAGING_TOKEN), source.tableFor(ROTATED_TOKEN)]);

    // Assess
    expect(store.reads).toBe(2);
    expect(tables.map((table) => table.identify(STAGING_TOKEN)?.cluster_name)).toEqual(['onprem-staging', 'onprem-staging', 'onprem-staging']);
  });

  it('stops accepting a token removed from the secret within five minutes, though its cluster keeps sending it', async () => {
    // Prepare: the token is rotated; the cluster still sends the old one.
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.content = tokens({ [ROTATED_TOKEN]: 'onprem-prod' });

    // Act
    store.time += 5 * MINUTE - 1;
    const before = await source.tableFor(PROD_TOKEN);
    store.time += 1;
    const after = await source.tableFor(PROD_TOKEN);

    // Assess
    expect(before.identify(PROD_TOKEN)).not.toBeNull();
    expect(after.identify(PROD_TOKEN)).toBeNull();
    expect(after.identify(ROTATED_TOKEN)).toMatchObject({ cluster_name: 'onprem-prod' });
  });

  it('keeps the tokens it has when a later read fails, and reports the failure', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.failing = true;
    store.time += MINUTE;

    // Act
    const table = await source.tableFor(STAGING_TOKEN);

    // Assess
    expect(table.identify(PROD_TOKEN)).toMatchObject({ cluster_name: 'onprem-prod' });
    expect(store.errors).toEqual(['Secrets Manager secret kaudit-webhook-tokens: cannot read it: ThrottlingException (HTTP 400): Rate exceeded']);
  });

  it('waits a minute after a failed read before the next', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.failing = true;
    store.time += MINUTE;
    await source.tableFor(STAGING_TOKEN);
    store.failing = false;
    store.content = tokens({ [STAGING_TOKEN]: 'onprem-staging' });

    // Act
    store.time += MINUTE - 1;
    const soon = await source.tableFor(STAGING_TOKEN);
    store.time += 1;
    const later = await source.tableFor(STAGING_TOKEN);

    // Assess
    expect(soon.identify(STAGING_TOKEN)).toBeNull();
    expect(later.identify(STAGING_TOKEN)).toMatchObject({ cluster_name: 'onprem-staging' });
  });

  it('does not read again for a request without a token', async () => {
    // Prepare
    const { store, open } = secretStore(tokens({ [PROD_TOKEN]: 'onprem-prod' }));
    const source = await open();
    store.time += MINUTE;

    // Act
    await source.tableFor(null);

    // Assess
    expect(store.reads).toBe(1);
  });
});
