import type { Column, ColumnKind } from '../../shared/schema/columns.ts';

export interface GlueColumn {
  name: string;
  type: string;
  comment?: string;
}

/**
 * Hive types read by the OpenX JSON SerDe. A `json` column is declared `string`: the SerDe hands
 * a nested object or array back as its JSON text, which Athena's json_* functions parse.
 */
const GLUE_TYPES: Record<ColumnKind, string> = {
  string: 'string',
  integer: 'bigint',
  number: 'double',
  boolean: 'boolean',
  string_array: 'array<string>',
  json: 'string',
};

/** Glue caps a column comment at 255 characters. */
const MAX_COMMENT = 255;

/**
 * Glue columns of a kaudit schema, in schema order, as the NDJSON tier holds them (`tier: 'ndjson'`:
 * a time is ISO-8601 text) or the Parquet tier does (`tier: 'parquet'`: a time is a timestamp).
 */
export function glueColumnsOf(columns: readonly Column[], tier: 'ndjson' | 'parquet' = 'ndjson'): GlueColumn[] {
  return columns.map((column) => {
    const comment = column.kind === 'json' ? `JSON text. ${column.description ?? ''}`.trim() : column.description;
    const type = tier === 'parquet' && column.timestamp ? 'timestamp' : GLUE_TYPES[column.kind];
    return { name: column.name, type, ...(comment ? { comment: comment.slice(0, MAX_COMMENT) } : {}) };
  });
}
