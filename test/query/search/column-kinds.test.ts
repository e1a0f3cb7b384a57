import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../../../shared/query/search/compile-search.ts';
import { compileError } from './compile-error.ts';
import { clusterHistory } from './search-events.ts';
import { SearchTable } from './search-table.ts';

const WITHOUT_CODE = 'node-watch-received';

describe('search values by column kind, run in DuckDB', () => {
  let table: SearchTable;
  beforeAll(async () => {
    table = await SearchTable.of(clusterHistory());
  });
  afterAll(() => table.close());

  describe('text', () => {
    it('compares = with the letter case as stored: Kubernetes names are case-sensitive', async () => {
      // Act
      const found = await table.auditIds('user_name = "bob@example.com"');

      // Assess
      expect(found).toEqual([]);
    });

    it('ignores letter case in contains and startswith, which hunt for text', async () => {
      // Act
      const found = await table.auditIds('user_agent contains "<SCRIPT>" or user_name startswith BOB');

      // Assess
      expect(found).toEqual(['hostile-get-secret', 'bob-list-configmaps']);
    });

    it('orders text as text: an ISO time prefix bounds the time column', async () => {
      // Act
      const found = await table.auditIds('time < "2026-11-20T14:00:02"');

      // Assess
      expect(found).toEqual(['demo-list-secrets-1']);
    });

    it('keeps a number written for a text column as the text written', async () => {
      // Act
      const compiled = compileSearch('object_name = 007', { view: 'events' });

      // Assess
      expect(compiled.params).toEqual(['007']);
    });

    it('matches a present value with = * and an absent one with != *', async () => {
      // Act
      const [present, absent] = await Promise.all([table.auditIds('object_name = *'), table.auditIds('object_name != *')]);

      // Assess
      expect({ present, absent }).toEqual({
        present: ['truncated-delete', 'hostile-get-secret', 'alice-get-pod'],
        absent: ['node-watch-received', 'bob-list-configmaps', 'demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1'],
      });
    });
  });

  describe('numbers', () => {
    it('compares as numbers, not as text', async () => {
      // Act: as text, "403" > "1000"
      const found = await table.auditIds('response_code < 1000');

      // Assess
      expect(found).toHaveLength(7);
    });

    it('compares a fraction exactly, without rounding it to the column type', async () => {
      // Act
      const found = await Promise.all(['response_code = 403.4', 'response_code < 403.4'].map((query) => table.auditIds(query)));

      // Assess
      expect(found.map((ids) => ids.length)).toEqual([0, 7]);
    });

    it('accepts a quoted number', async () => {
      // Act
      const found = await table.auditIds('response_code = "403"');

      // Assess
      expect(found).toHaveLength(4);
    });

    it('refuses a value that is not a number, at the value', () => {
      // Act
      const error = compileError('verb = list and response_code = forbidden');

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({ column: 33, reason: 'response_code is a whole number, found "forbidden"' });
    });

    it('refuses a number a 64-bit parameter could not hold exactly', () => {
      // Act
      const error = compileError('response_code = 1e300');

      // Assess
      expect(error.reason).toBe('this number is out of range, found "1e300"');
    });
  });

  describe('absent values', () => {
    it('matches an event without the field with != (the complement of =)', async () => {
      // Act
      const found = await table.auditIds('response_code != 403');

      // Assess
      expect(found).toContain(WITHOUT_CODE);
    });

    it('matches an event without the field with not, whatever the comparison', async () => {
      // Act
      const found = await table.auditIds('not response_code >= 400');

      // Assess
      expect(found).toEqual(['truncated-delete', 'hostile-get-secret', WITHOUT_CODE, 'alice-get-pod']);
    });

    it('leaves an event without the field out of every comparison', async () => {
      // Act
      const found = await table.auditIds('response_code < 400 or response_code >= 400');

      // Assess
      expect(found).not.toContain(WITHOUT_CODE);
    });
  });

  describe('lists of text (user_groups, source_ips, …)', () => {
    it.each([
      ['user_groups = ops', ['bob-list-configmaps']],
      ['user_groups = "system:serviceaccounts:*"', ['demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']],
      ['user_groups contains NODES', ['node-watch-received']],
      ['user_groups startswith "system:serviceaccounts:"', ['demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']],
      ['user_groups in (ops, system:nodes)', ['node-watch-received', 'bob-list-configmaps']],
      ['source_ips = 10.0.1.5', ['node-watch-received']],
    ])('%s matches when any element does', async (query, expected) => {
      // Act
      const found = await table.auditIds(query);

      // Assess
      expect(found).toEqual(expected);
    });

    it('!= matches when no element equals the value', async () => {
      // Act
      const found = await table.auditIds('user_groups != system:authenticated');

      // Assess
      expect(found).toEqual(['hostile-get-secret']);
    });
  });

  describe('JSON (annotations, user_extra, request_object, response_object)', () => {
    it('searches the JSON text with contains, ignoring letter case', async () => {
      // Act
      const found = await table.auditIds('annotations contains "rbac: allowed by rolebinding"');

      // Assess
      expect(found).toEqual(['hostile-get-secret', 'alice-get-pod']);
    });

    it('finds a key and its value together in the compact JSON text', async () => {
      // Act
      const found = await table.auditIds(`annotations contains '"authorization.k8s.io/decision":"forbid"'`);

      // Assess
      expect(found).toEqual(['bob-list-configmaps', 'demo-list-pods', 'demo-list-secrets-2', 'demo-list-secrets-1']);
    });
  });

  describe('booleans', () => {
    it.each([
      ['is_truncated = true', ['truncated-delete']],
      ['is_truncated = TRUE', ['truncated-delete']],
      ['is_truncated != false', ['truncated-delete']],
      ['is_resource_request = false', []],
    ])('%s', async (query, expected) => {
      // Act
      const found = await table.auditIds(query);

      // Assess
      expect(found).toEqual(expected);
    });

    it('refuses any value but true and false', () => {
      // Act
      const error = compileError('is_truncated = yes');

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({ column: 16, reason: 'is_truncated is true or false, found "yes"' });
    });
  });

  describe('operators a kind has no use for', () => {
    it.each([
      ['response_code contains 40', 'contains does not apply to response_code, which is a whole number: use = != in > >= < <='],
      ['user_groups > a', '> does not apply to user_groups, which is a list of text: use = != in contains startswith'],
      ['annotations = x', '= does not apply to annotations, which is JSON: use contains'],
      ['annotations startswith "{"', 'startswith does not apply to annotations, which is JSON: use contains'],
      ['is_truncated <= true', '<= does not apply to is_truncated, which is true or false: use = != in'],
    ])('%s is refused at the operator', (query, reason) => {
      // Act
      const error = compileError(query);

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({ column: query.indexOf(' ') + 2, reason });
    });
  });

  describe('logtype', () => {
    it('is always true for "Kubernetes Audit Logs" and binds nothing', async () => {
      // Act
      const compiled = compileSearch('logtype="Kubernetes Audit Logs"', { view: 'events' });

      // Assess
      expect(await table.run(compiled)).toHaveLength(8);
      expect(compiled.params).toEqual([]);
    });

    it('leaves the rest of an and to decide', async () => {
      // Act
      const found = await table.auditIds('logtype="Kubernetes Audit Logs" and verb = watch');

      // Assess
      expect(found).toEqual([WITHOUT_CODE]);
    });

    it('matches nothing when negated', async () => {
      // Act
      const found = await table.auditIds('not logtype="Kubernetes Audit Logs" or verb = nothing');

      // Assess
      expect(found).toEqual([]);
    });

    it('refuses any other value, at the value: kaudit holds nothing else', () => {
      // Act
      const error = compileError('logtype="AWS CloudTrail"');

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({
        column: 9,
        reason: 'logtype only takes = "Kubernetes Audit Logs": kaudit holds nothing else, found "AWS CloudTrail"',
      });
    });

    it('refuses any other operator, at the operator', () => {
      // Act
      const error = compileError('logtype contains Kubernetes');

      // Assess
      expect(error.column).toBe(9);
    });

    it('cannot be grouped by', () => {
      // Act
      const error = compileError('groupby verb, logtype');

      // Assess
      expect({ column: error.column, reason: error.reason }).toEqual({ column: 15, reason: 'logtype is the same for every event: it cannot be grouped by' });
    });
  });
});
