import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { FIELD_ALIASES } from '../../../shared/query/search/search-fields.ts';
import { clusterHistory } from './search-events.ts';
import { SearchTable } from './search-table.ts';

/** Newest first, as an event search returns them. */
const EVERY_EVENT = [
  'truncated-delete',
  'hostile-get-secret',
  'node-watch-received',
  'bob-list-configmaps',
  'alice-get-pod',
  'demo-list-pods',
  'demo-list-secrets-2',
  'demo-list-secrets-1',
];

describe('search language grammar, run in DuckDB', () => {
  let table: SearchTable;
  beforeAll(async () => {
    table = await SearchTable.of(clusterHistory());
  });
  afterAll(() => table.close());

  describe('operators', () => {
    it.each([
      ['verb = get', ['hostile-get-secret', 'alice-get-pod']],
      ['verb != list', ['truncated-delete', 'hostile-get-secret', 'node-watch-received', 'alice-get-pod']],
      ['response_code > 403', []],
      ['response_code >= 403', ['bob-list-configmaps', 'demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']],
      ['response_code < 200', []],
      ['response_code <= 200', ['truncated-delete', 'hostile-get-secret', 'alice-get-pod']],
      ['request_uri contains "/secrets"', ['hostile-get-secret', 'demo-list-secrets-2', 'demo-list-secrets-1']],
      ['request_uri startswith "/api/v1/namespaces/kube-system/"', ['bob-list-configmaps', 'demo-list-pods']],
      ['verb in (watch, delete)', ['truncated-delete', 'node-watch-received']],
    ])('%s', async (query, expected) => {
      // Act
      const found = await table.auditIds(query);

      // Assess
      expect(found).toEqual(expected);
    });
  });

  describe('precedence and grouping', () => {
    it('binds and tighter than or', async () => {
      // Act: read as `verb = watch or (verb = list and namespace = default)`
      const found = await table.auditIds('verb = watch or verb = list and namespace = default');

      // Assess
      expect(found).toEqual(['node-watch-received', 'demo-list-secrets-2', 'demo-list-secrets-1']);
    });

    it('binds not tighter than and', async () => {
      // Act: read as `(not verb = list) and namespace = default`
      const found = await table.auditIds('not verb = list and namespace = default');

      // Assess
      expect(found).toEqual(['truncated-delete', 'hostile-get-secret', 'alice-get-pod']);
    });

    it('groups with parentheses', async () => {
      // Act
      const found = await table.auditIds('(verb = watch or verb = list) and namespace = default');

      // Assess
      expect(found).toEqual(['demo-list-secrets-2', 'demo-list-secrets-1']);
    });

    it('negates a parenthesized condition as a whole', async () => {
      // Act
      const found = await table.auditIds('not (verb = list and namespace = default)');

      // Assess
      expect(found).toEqual(EVERY_EVENT.filter((id) => !id.startsWith('demo-list-secrets')));
    });

    it('reads a chain of one operator as one n-ary condition, without a nesting limit', () => {
      // Prepare
      const query = Array.from({ length: 1_000 }, (_, index) => `verb=${index}`).join(' or ');

      // Act
      const compiled = compileSearch(query, { view: 'events' });

      // Assess
      expect(compiled.params).toHaveLength(1_000);
    });
  });

  describe('values', () => {
    it('reads a double-quoted string with escaped double quotes and backslashes', async () => {
      // Act
      const found = await table.auditIds(String.raw`user_agent = "<script>alert(1)</script> 100%_sure\\" or user_groups = "\"; DROP TABLE events; --"`);

      // Assess
      expect(found).toEqual(['hostile-get-secret']);
    });

    it('reads a single-quoted string with escaped single quotes', async () => {
      // Act
      const found = await table.auditIds(String.raw`user_name = 'x\' OR 1=1 --'`);

      // Assess
      expect(found).toEqual(['hostile-get-secret']);
    });

    it('reads a bare word up to a space, parenthesis, comma, quote or operator, colons and dots included', async () => {
      // Act
      const found = await table.auditIds('username=system:serviceaccount:default:demo and namespace=kube-system or sourceip=10.0.1.5');

      // Assess
      expect(found).toEqual(['node-watch-received', 'demo-list-pods']);
    });

    it('takes a list of quoted, bare and wildcard values after in', async () => {
      // Act
      const found = await table.auditIds('user_name in ("Bob@example.com", system:node:*, \'nobody\')');

      // Assess
      expect(found).toEqual(['node-watch-received', 'bob-list-configmaps']);
    });
  });

  describe('wildcards', () => {
    it('matches any run of characters with * in an = value', async () => {
      // Act
      const found = await table.auditIds('user_name = "system:*"');

      // Assess
      expect(found).toEqual(['node-watch-received', 'demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']);
    });

    it('keeps the letter case of the rest of the value', async () => {
      // Act
      const found = await table.auditIds('user_name = "SYSTEM:*"');

      // Assess
      expect(found).toEqual([]);
    });

    it('excludes the matches with * in a != value', async () => {
      // Act
      const found = await table.auditIds('user_name != system:*');

      // Assess
      expect(found).toEqual(['truncated-delete', 'hostile-get-secret', 'bob-list-configmaps', 'alice-get-pod']);
    });

    it('matches % and _ of the value only as themselves', async () => {
      // Act: unescaped, `%` would match "lice@" and `_` any one character
      const found = await Promise.all(['user_name = "a%e*"', 'user_agent = "*1_0*"', 'user_agent = "*100%_sure*"'].map((query) => table.auditIds(query)));

      // Assess
      expect(found).toEqual([[], [], ['hostile-get-secret']]);
    });

    it('treats an escaped \\* as a star, not a wildcard', async () => {
      // Act
      const found = await Promise.all([String.raw`user_name = "alice\*"`, 'user_name = "alice*"'].map((query) => table.auditIds(query)));

      // Assess
      expect(found).toEqual([[], ['truncated-delete', 'alice-get-pod']]);
    });

    it('treats * literally in contains, where the value is any part already', async () => {
      // Act
      const found = await table.auditIds('user_name contains "*"');

      // Assess
      expect(found).toEqual([]);
    });
  });

  describe('groupby', () => {
    it('counts the events of each value, largest count first, ties in value order', async () => {
      // Act
      const groups = await table.groups('groupby verb');

      // Assess
      expect(groups).toEqual([
        { verb: 'list', count: 4 },
        { verb: 'get', count: 2 },
        { verb: 'delete', count: 1 },
        { verb: 'watch', count: 1 },
      ]);
    });

    it('groups the matching events by several fields, each named as the query wrote it', async () => {
      // Act
      const groups = await table.groups('response_code = 403 groupby Cluster, VERB');

      // Assess
      expect(groups).toEqual([
        { Cluster: 'onprem-dc1', VERB: 'list', count: 3 },
        { Cluster: 'aks-weu-prod', VERB: 'list', count: 1 },
      ]);
    });

    it('reports the kind and the group fields of the compiled query', () => {
      // Act
      const compiled = compileSearch('verb = list groupby username, namespace', { view: 'events' });

      // Assess
      expect({ kind: compiled.kind, groupFields: compiled.groupFields }).toEqual({ kind: 'groups', groupFields: ['username', 'namespace'] });
    });
  });

  describe('letter case', () => {
    it('reads keywords in any letter case', async () => {
      // Act
      const found = await table.groups('verb = watch OR Verb = get AND Not response_code = 200 oR user_name In (Bob@example.com) GroupBy verb');

      // Assess
      expect(found).toEqual([
        { verb: 'list', count: 1 },
        { verb: 'watch', count: 1 },
      ]);
    });

    it('reads field names in any letter case', async () => {
      // Act
      const found = await table.auditIds('Object_Resource = pods and NAMESPACE = default');

      // Assess
      expect(found).toEqual(['alice-get-pod']);
    });

    it('reads contains and startswith in any letter case', async () => {
      // Act
      const found = await table.auditIds('request_uri CONTAINS configmaps or request_uri StartsWith "/api/v1/nodes"');

      // Assess
      expect(found).toEqual(['node-watch-received', 'bob-list-configmaps']);
    });
  });

  describe('aliases', () => {
    const examples: Record<string, string> = {
      responsestatus_code: '403',
      username: '"Bob@example.com"',
      sourceip: '10.0.1.5',
      namespace: 'kube-system',
      resource: 'configmaps',
      cluster: 'aks-weu-prod',
    };

    it.each(Object.entries(FIELD_ALIASES))('reads %s as %s', async (alias, column) => {
      // Act
      const [byAlias, byColumn] = await Promise.all([table.auditIds(`${alias} = ${examples[alias]}`), table.auditIds(`${column} = ${examples[alias]}`)]);

      // Assess
      expect(byAlias).not.toEqual([]);
      expect(byAlias).toEqual(byColumn);
    });
  });

  describe('the empty query', () => {
    it.each([[''], ['   ']])('matches every event, newest first (%j)', async (query) => {
      // Act
      const found = await table.auditIds(query);

      // Assess
      expect(found).toEqual(EVERY_EVENT);
    });

    it('groups every event when only groupby is written', async () => {
      // Act
      const groups = await table.groups('groupby cluster_name');

      // Assess
      expect(groups).toEqual([
        { cluster_name: 'onprem-dc1', count: 7 },
        { cluster_name: 'aks-weu-prod', count: 1 },
      ]);
    });
  });
});
