/**
 * Definitions for Azure engines that read the lake's Parquet tier (`compacted/v1/`) in place, with
 * no server of ours: an Azure Data Explorer external table (KQL) and Synapse serverless SQL views.
 * Columns come from the zod schema; `npm run schema:generate` writes the files and
 * test/infra/azure-query-definitions.test.ts fails when they are stale.
 */
import { COPY_ORDER, DEDUPE_KEY } from '../../shared/dedupe/dedupe-rule.ts';
import { CANONICAL_COLUMNS, type Column, type ColumnKind } from '../../shared/schema/columns.ts';
import { COMPACTED_PREFIX, PARQUET_SUFFIX } from '../../shared/store/layout.ts';

export const KQL_FILE = 'infra/azure/query/events-compacted.kql';
export const SYNAPSE_FILE = 'infra/azure/query/events-compacted.sql';

/** The lake's URL as the user fills it in: the Azure deployment's lake is the container `lake`. */
const ADX_LAKE_URL = 'https://<storage-account>.blob.core.windows.net/lake';

/** ADX types of the Parquet columns: a list is `dynamic`; a JSON column stays text (`parse_json`). */
const ADX_TYPES: Record<ColumnKind, string> = {
  string: 'string',
  integer: 'long',
  number: 'real',
  boolean: 'bool',
  string_array: 'dynamic',
  json: 'string',
};

/**
 * Synapse serverless types. UTF-8 text is read with a BIN2 UTF-8 collation (no conversion, and
 * filters reach the Parquet reader); a list arrives as its JSON text (OPENJSON reads it). Text is
 * VARCHAR(MAX): a value longer than a declared size fails the query, and any client can send a
 * long user agent or URI.
 */
const UTF8_TEXT = 'VARCHAR(MAX) COLLATE Latin1_General_100_BIN2_UTF8';
const SYNAPSE_TYPES: Record<ColumnKind, string> = {
  string: UTF8_TEXT,
  integer: 'BIGINT',
  number: 'FLOAT',
  boolean: 'BIT',
  string_array: UTF8_TEXT,
  json: UTF8_TEXT,
};

/** The type of a column in ADX: a time (TIMESTAMP in Parquet) is a `datetime`. */
function adxTypeOf(column: Column): string {
  return column.timestamp ? 'datetime' : ADX_TYPES[column.kind];
}

/** The type of a column in a Synapse OPENROWSET WITH list: a time (microseconds in Parquet) is DATETIME2(6). */
function synapseTypeOf(column: Column): string {
  return column.timestamp ? 'DATETIME2(6)' : SYNAPSE_TYPES[column.kind];
}

/** A column's name, refused unless a plain identifier: quoting then needs no escaping in either engine. */
function plainName(column: Column): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(column.name)) throw new Error(`column ${JSON.stringify(column.name)}: expected a lower-case identifier for the Azure query definitions`);
  return column.name;
}

/** Quoted, since some names (`time`, `level`) are words of the languages. */
const kqlName = (column: Column) => `['${plainName(column)}']`;
const sqlName = (column: Column) => `[${plainName(column)}]`;

const HEADER = 'Generated from the zod schema by `npm run schema:generate`: do not edit. Usage: docs/query-tier.md#azure';

/** `compacted/v1` without its trailing slash: the ADX connection string names the folder. */
const COMPACTED_FOLDER = COMPACTED_PREFIX.replace(/\/$/, '');

function renderKql(columns: readonly Column[]): string {
  const schema = columns.map((column) => `    ${kqlName(column)}: ${adxTypeOf(column)}`).join(',\n');
  return `// ${HEADER}
// Replace <storage-account>; the connection string's ;impersonate reads the lake as the querying user.

.create-or-alter external table kaudit_events_compacted (
${schema}
)
kind = storage
partition by (dt: string, hour: string)
pathformat = ("dt=" dt "/hour=" hour)
dataformat = parquet
(
    h@'${ADX_LAKE_URL}/${COMPACTED_FOLDER};impersonate'
)
with (folder = 'kaudit', fileExtension = '${PARQUET_SUFFIX}', docString = 'kaudit: every row of the compacted Parquet tier, copies in superseded files included')

// One row per event: an hour compacted again leaves its earlier Parquet objects in place.
.create-or-alter function with (folder = 'kaudit', docString = 'kaudit: one row per event of the compacted Parquet tier') kaudit_events() {
    external_table('kaudit_events_compacted')
    | summarize arg_min(${COPY_ORDER[0]}, *) by dt, hour, ${DEDUPE_KEY}
}
`;
}

function renderSynapse(columns: readonly Column[]): string {
  const withList = columns.map((column) => `    ${sqlName(column)} ${synapseTypeOf(column)}`).join(',\n');
  return `-- ${HEADER}
-- Needs the schema kaudit and the external data source kaudit_lake (the lake container's URL).

CREATE OR ALTER VIEW kaudit.events_compacted AS
SELECT rows.*, rows.filepath(1) AS dt, rows.filepath(2) AS hour
FROM OPENROWSET(
    BULK '${COMPACTED_PREFIX}dt=*/hour=*/*${PARQUET_SUFFIX}',
    DATA_SOURCE = 'kaudit_lake',
    FORMAT = 'PARQUET'
) WITH (
${withList}
) AS rows;
GO

-- One row per event, the copy the dedupe rule keeps: an hour compacted again leaves its earlier Parquet objects in place.
CREATE OR ALTER VIEW kaudit.events AS
SELECT ${columns.map(sqlName).join(', ')}, dt, hour
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY dt, hour, ${DEDUPE_KEY} ORDER BY ${COPY_ORDER.join(', ')}) AS copy_rank
    FROM kaudit.events_compacted
) AS copies
WHERE copy_rank = 1;
GO
`;
}

/** The checked-in Azure query definitions (path from the repo root → content). */
export function renderAzureQueryDefinitions(columns: readonly Column[] = CANONICAL_COLUMNS): Record<string, string> {
  return { [KQL_FILE]: renderKql(columns), [SYNAPSE_FILE]: renderSynapse(columns) };
}
