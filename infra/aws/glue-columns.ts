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

/** Glue table columns of a kaudit schema, in schema order. */
export function glueColumnsOf(columns: readonly Column[]): GlueColumn[] {
  return columns.map((column) => {
    const comment = column.kind === 'json' ? `JSON text. ${column.description ?? ''}`.trim() : column.description;
    return { name: column.name, type: GLUE_TYPES[column.kind], ...(comment ? { comment: comment.slice(0, MAX_COMMENT) } : {}) };
  });
}
