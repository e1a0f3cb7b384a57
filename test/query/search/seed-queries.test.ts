import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { explainSearch } from '../../../shared/query/search/explain-search.ts';
import { clusterHistory, DEMO_SA, WHAT_DEMO_WAS_REFUSED, whatDemoWasRefusedExplained } from './search-events.ts';
import { SearchTable } from './search-table.ts';

/** The two queries of seed 002, verbatim: who was refused listing, then what that one account was refused. */
const WHO_WAS_REFUSED = 'logtype="Kubernetes Audit Logs" and responsestatus_code=403 and verb="list" groupby username';

describe("seed 002's queries", () => {
  let table: SearchTable;
  beforeAll(async () => {
    table = await SearchTable.of(clusterHistory());
  });
  afterAll(() => table.close());

  it('group the refused list requests by user, in a column named username', async () => {
    // Act
    const groups = await table.groups(WHO_WAS_REFUSED);

    // Assess
    expect(groups).toEqual([
      { username: DEMO_SA, count: 3 },
      { username: 'Bob@example.com', count: 1 },
    ]);
  });

  it("then find the demo service account's refused list requests, newest first", async () => {
    // Act
    const found = await table.auditIds(WHAT_DEMO_WAS_REFUSED);

    // Assess
    expect(found).toEqual(['demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']);
  });

  it('explain as the SQL with its placeholders, then the value each binds', () => {
    // Act
    const explained = explainSearch(compileSearch(WHAT_DEMO_WAS_REFUSED, { view: 'events', limit: 100 }));

    // Assess
    expect(explained).toBe(whatDemoWasRefusedExplained(100));
  });

  it('explain a grouping with its column names as the query wrote them', () => {
    // Act
    const explained = explainSearch(compileSearch(WHO_WAS_REFUSED, { view: 'events' }));

    // Assess
    expect(explained).toBe(
      [
        'SELECT "user_name" AS "username", count(*) AS "count"',
        'FROM "events"',
        'WHERE "response_code" = $1',
        '  AND "verb" = $2',
        'GROUP BY ALL',
        'ORDER BY "count" DESC, 1',
        '-- $1 = 403',
        '-- $2 = "list"',
      ].join('\n'),
    );
  });

  it('explain a value with control characters escaped, so a terminal shows them as text', () => {
    // Act
    const explained = explainSearch(compileSearch('user_agent = "\u001b[2J\u009b31m"', { view: 'events' }));

    // Assess
    expect(explained.split('\n').at(-1)).toBe('-- $1 = "\\u001b[2J\\u009b31m"');
  });
});
