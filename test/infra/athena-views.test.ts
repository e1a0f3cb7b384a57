import { describe, expect, it } from 'vitest';
import { eventsViewColumns, eventsViewSql, prestoViewText } from '../../infra/aws/athena-views.ts';
import { CANONICAL_COLUMNS } from '../../shared/schema/columns.ts';

const TABLES = { ndjson: 'events_all', parquet: 'events_compacted', lagHours: 3 };

/** The two branches of the view's UNION ALL. */
function branches(sql: string): [string, string] {
  const [parquet, ndjson] = sql.split('\nUNION ALL\n');
  return [parquet as string, ndjson as string];
}

describe("Athena's events view", () => {
  it('reads Parquet for hours older than the lag and NDJSON for the newer ones, split at the same hour', () => {
    // Act
    const [parquet, ndjson] = branches(eventsViewSql(TABLES));

    // Assess
    const horizon = "date_format((current_timestamp AT TIME ZONE 'UTC') - INTERVAL '3' HOUR, '%Y-%m-%d-%H')";
    expect(parquet).toContain(`FROM events_compacted\nWHERE concat(dt, '-', hour) < ${horizon}`);
    expect(ndjson).toContain(`FROM events_all\n  WHERE concat(dt, '-', hour) >= ${horizon}`);
  });

  it('keeps one NDJSON row per event by the dedupe rule, within the hour so a dt filter still prunes partitions', () => {
    // Act
    const [, ndjson] = branches(eventsViewSql(TABLES));

    // Assess
    expect(ndjson).toContain('row_number() OVER (PARTITION BY dt, hour, event_id ORDER BY ingest_time, source_stream, source_record_index) AS kaudit_copy');
    expect(ndjson).toMatch(/WHERE kaudit_copy = 1$/);
  });

  it('reads NDJSON times as timestamps, as the Parquet tier stores them, so both branches have one type', () => {
    // Act
    const [, ndjson] = branches(eventsViewSql(TABLES));

    // Assess
    for (const column of CANONICAL_COLUMNS.filter((candidate) => candidate.timestamp)) {
      expect(ndjson).toContain(`try(CAST(from_iso8601_timestamp("${column.name}") AS timestamp)) AS "${column.name}"`);
    }
  });

  it('selects the canonical columns, then dt and hour, in the same order in both branches', () => {
    // Act
    const selected = branches(eventsViewSql(TABLES)).map((branch) => /^SELECT (.*), dt, hour$/m.exec(branch)?.[1]);

    // Assess
    expect(selected[0]).toBe(CANONICAL_COLUMNS.map((column) => `"${column.name}"`).join(', '));
    expect(selected[1]).toBe(selected[0]);
    expect(eventsViewColumns().map((column) => column.name)).toEqual([...CANONICAL_COLUMNS.map((column) => column.name), 'dt', 'hour']);
  });

  it('refuses a column type it has no Presto type for, instead of writing a view Athena calls stale', () => {
    // Act
    const encode = () => prestoViewText('kaudit', 'SELECT 1', [{ name: 'm', type: 'map<string,string>' }]);

    // Assess
    expect(encode).toThrow(/no Presto type for the Hive type map<string,string>/);
  });
});
