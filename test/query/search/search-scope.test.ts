import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { clusterHistory } from './search-events.ts';
import { SearchTable } from './search-table.ts';

describe('the scope a caller gives a search', () => {
  let table: SearchTable;
  beforeAll(async () => {
    table = await SearchTable.of(clusterHistory());
  });
  afterAll(() => table.close());

  it('orders events by their time as a timestamp, not as text: fractions differ in length', async () => {
    // Act: as text, "…02.5Z" sorts after "…02.500001Z"
    const found = await table.auditIds('user_name = system:serviceaccount:default:demo');

    // Assess
    expect(found).toEqual(['demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']);
  });

  it('returns a page of events with limit and offset', async () => {
    // Act
    const pages = await Promise.all([0, 2, 4].map((offset) => table.auditIds('response_code = 403 or verb = get', { limit: 2, offset })));

    // Assess
    expect(pages).toEqual([
      ['hostile-get-secret', 'bob-list-configmaps'],
      ['alice-get-pod', 'demo-list-pods'],
      ['demo-list-secrets-2', 'demo-list-secrets-1'],
    ]);
  });

  it('returns the largest groups first when a groupby is limited', async () => {
    // Act
    const groups = await table.groups('groupby verb', { limit: 1 });

    // Assess
    expect(groups).toEqual([{ verb: 'list', count: 4 }]);
  });

  it('keeps events from since (inclusive) to until (exclusive)', async () => {
    // Act
    const found = await table.auditIds('', { since: new Date('2026-11-20T14:00:02.5Z'), until: new Date('2026-11-20T14:00:05Z') });

    // Assess
    expect(found).toEqual(['alice-get-pod', 'demo-list-pods', 'demo-list-secrets-2']);
  });

  it("keeps one cluster's events", async () => {
    // Act
    const found = await table.auditIds('response_code = 403', { cluster: 'aks-weu-prod' });

    // Assess
    expect(found).toEqual(['bob-list-configmaps']);
  });

  it('binds the range and the cluster as parameters, after the query', () => {
    // Act
    const compiled = compileSearch('verb = list', { view: 'events', since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-21T00:00:00Z'), cluster: 'prod-eu' });

    // Assess
    expect(compiled.params).toEqual(['list', '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z', 'prod-eu']);
  });

  it('refuses a view name that is not a plain identifier', () => {
    // Act
    const compile = () => compileSearch('', { view: 'events; DROP TABLE events' });

    // Assess
    expect(compile).toThrow(/view name/);
  });

  it('refuses an invalid date, naming the bound', () => {
    // Act
    const compile = () => compileSearch('', { view: 'events', since: new Date('not a date') });

    // Assess
    expect(compile).toThrow(/"since"/);
  });
});
