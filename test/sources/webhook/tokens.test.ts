import { describe, expect, it } from 'vitest';
import { bearerToken, parseTokenTable } from '../../../shared/sources/webhook/tokens.ts';

const TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';

describe('TokenTable', () => {
  it('identifies the cluster of a known token', () => {
    // Prepare
    const table = parseTokenTable(JSON.stringify({ [TOKEN]: { cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' } }), 'tokens.json');

    // Act
    const identity = table.identify(TOKEN);

    // Assess
    expect(identity).toEqual({ cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' });
  });

  it('uses the cluster name as its id when no id is given', () => {
    // Prepare
    const table = parseTokenTable(JSON.stringify({ [TOKEN]: { cluster_name: 'onprem-prod' } }), 'tokens.json');

    // Act
    const identity = table.identify(TOKEN);

    // Assess
    expect(identity).toEqual({ cluster_name: 'onprem-prod', cluster_id: 'onprem-prod' });
  });

  it('knows no token that differs in one character', () => {
    // Prepare
    const table = parseTokenTable(JSON.stringify({ [TOKEN]: { cluster_name: 'onprem-prod' } }), 'tokens.json');

    // Act
    const identity = table.identify(`${TOKEN.slice(0, -1)}x`);

    // Assess
    expect(identity).toBeNull();
  });

  it('names a bad entry by its position, never by the token', () => {
    // Prepare
    const text = JSON.stringify({ [TOKEN]: { cluster_name: 'a' }, 'second-token-7c2e9a1b': { cluster: 'b' } });

    // Act
    const parse = () => parseTokenTable(text, 'tokens.json');

    // Assess
    expect(parse).toThrow(/^tokens\.json: expected .*: token 2\.cluster_name: .*; token 2: Unrecognized key: "cluster"$/);
    expect(parse).not.toThrow(/second-token/);
  });

  it('refuses an empty table', () => {
    // Act
    const parse = () => parseTokenTable('{}', 'KAUDIT_WEBHOOK_TOKENS');

    // Assess
    expect(parse).toThrow('KAUDIT_WEBHOOK_TOKENS: expected {"<token>": {"cluster_name": "...", "cluster_id": "..."}}: no tokens: the receiver would accept no cluster');
  });

  it('refuses text that is not JSON without quoting it', () => {
    // Act
    const parse = () => parseTokenTable(`{"${TOKEN}": `, 'tokens.json');

    // Assess
    expect(parse).toThrow(/^tokens\.json: tokens are not valid JSON$/);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer  abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer a b', null],
    [undefined, null],
  ])('reads %j as %j', (header, token) => {
    // Act
    const read = bearerToken(header);

    // Assess
    expect(read).toBe(token);
  });
});
