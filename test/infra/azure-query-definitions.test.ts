import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KQL_FILE, renderAzureQueryDefinitions, SYNAPSE_FILE } from '../../infra/azure/query-definitions.ts';
import { CANONICAL_COLUMNS, type Column } from '../../shared/schema/columns.ts';

const root = path.resolve(import.meta.dirname, '../..');
const checkedIn = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** What each engine reads a Parquet column as: DuckDB writes a time as TIMESTAMP, a list as LIST<VARCHAR>. */
const ADX_EXPECTED: Record<Column['kind'] | 'timestamp', string> = {
  string: 'string',
  integer: 'long',
  number: 'real',
  boolean: 'bool',
  string_array: 'dynamic',
  json: 'string',
  timestamp: 'datetime',
};
const SYNAPSE_EXPECTED: Record<Column['kind'] | 'timestamp', string> = {
  string: 'VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8',
  integer: 'BIGINT',
  number: 'FLOAT',
  boolean: 'BIT',
  string_array: 'VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8',
  json: 'VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8',
  timestamp: 'DATETIME2(6)',
};

const expectedOf = (table: Record<Column['kind'] | 'timestamp', string>) => CANONICAL_COLUMNS.map((column) => [column.name, table[column.timestamp ? 'timestamp' : column.kind]]);

/** The `name: type` pairs of the external table's schema, in order. */
function kqlSchema(kql: string): string[][] {
  const block = /\.create-or-alter external table kaudit_events_compacted \(\n([\s\S]*?)\n\)\n/.exec(kql)?.[1] ?? '';
  return block.split(',\n').map((line) => {
    const [, name, type] = /^ {4}\['([a-z_0-9]+)'\]: (\S+)$/.exec(line) ?? [];
    return [name as string, type as string];
  });
}

/** The `name type` pairs of the OPENROWSET WITH list, in order. */
function synapseWithList(sql: string): string[][] {
  const block = /\) WITH \(\n([\s\S]*?)\n\) AS rows;/.exec(sql)?.[1] ?? '';
  return block.split(',\n').map((line) => {
    const [, name, type] = /^ {4}\[([a-z_0-9]+)\] (.+)$/.exec(line) ?? [];
    return [name as string, type as string];
  });
}

describe('Azure query definitions (npm run schema:generate)', () => {
  it.each(Object.entries(renderAzureQueryDefinitions()))('%s is current', (file, expected) => {
    // Assess
    expect(checkedIn(file)).toBe(expected);
  });

  it('change when a column is added to the schema, so a stale file fails the check above', () => {
    // Prepare
    const added: Column = { name: 'new_field', kind: 'string', nullable: true, description: null };

    // Act
    const rendered = renderAzureQueryDefinitions([...CANONICAL_COLUMNS, added]);

    // Assess
    expect(rendered[KQL_FILE]).not.toBe(checkedIn(KQL_FILE));
    expect(rendered[SYNAPSE_FILE]).toContain('[new_field] VARCHAR(MAX)');
  });

  it('refuse a column name that is not a plain identifier', () => {
    // Prepare
    const hostile: Column = { name: "x'] , evil", kind: 'string', nullable: true, description: null };

    // Act
    const render = () => renderAzureQueryDefinitions([hostile]);

    // Assess
    expect(render).toThrow(/column "x'\] , evil": expected a lower-case identifier/);
  });
});

describe('the ADX external table', () => {
  const kql = checkedIn(KQL_FILE);

  it('declares every canonical column, in order, with the type ADX reads from the Parquet', () => {
    // Assess
    expect(kqlSchema(kql)).toEqual(expectedOf(ADX_EXPECTED));
  });

  it('reads only the Parquet objects under compacted/v1, with dt and hour from the path', () => {
    // Assess
    expect(kql).toContain('partition by (dt: string, hour: string)\npathformat = ("dt=" dt "/hour=" hour)\ndataformat = parquet\n');
    expect(kql).toContain("h@'https://<storage-account>.blob.core.windows.net/lake/compacted/v1;impersonate'");
    expect(kql).toContain("fileExtension = '.parquet'");
  });

  it('keeps one row per event in the kaudit_events function', () => {
    // Assess
    expect(kql).toMatch(/external_table\('kaudit_events_compacted'\)\n\s+\| summarize arg_min\(ingest_time, \*\) by dt, hour, event_id\n/);
  });
});

describe('the Synapse serverless views', () => {
  const sql = checkedIn(SYNAPSE_FILE);

  it('declare every canonical column, in order, with the type Synapse reads from the Parquet', () => {
    // Assess
    expect(synapseWithList(sql)).toEqual(expectedOf(SYNAPSE_EXPECTED));
  });

  it('read only the Parquet objects under compacted/v1, dt and hour being the two wildcards of the path', () => {
    // Assess
    expect(sql).toContain("BULK 'compacted/v1/dt=*/hour=*/*.parquet'");
    expect(sql).toContain('rows.filepath(1) AS dt, rows.filepath(2) AS hour');
  });

  it('keep in kaudit.events the copy of each event the dedupe rule keeps, with every column', () => {
    // Act
    const select = /CREATE OR ALTER VIEW kaudit\.events AS\nSELECT (.+)\n/.exec(sql)?.[1]?.split(', ');

    // Assess
    expect(select).toEqual([...CANONICAL_COLUMNS.map((column) => `[${column.name}]`), 'dt', 'hour']);
    expect(sql).toContain('ROW_NUMBER() OVER (PARTITION BY dt, hour, event_id ORDER BY ingest_time, source_stream, source_record_index) AS copy_rank');
    expect(sql).toContain('WHERE copy_rank = 1;');
  });
});
