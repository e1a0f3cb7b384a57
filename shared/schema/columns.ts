import * as z from 'zod';
import { CanonicalEventSchema } from './canonical-event.ts';
import { FindingSchema } from './finding.ts';
import { QuarantineRecordSchema } from './quarantine-record.ts';

/** A column's shape, independent of any engine: each engine maps it to its own type. */
export type ColumnKind = 'string' | 'integer' | 'number' | 'boolean' | 'string_array' | 'json';

export interface Column {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  description: string | null;
  /** An ISO-8601 UTC time (JSON Schema `format: date-time`): a timestamp in the engines that have one. */
  timestamp?: boolean;
}

type JsonSchemaProperty = {
  type?: string | string[];
  format?: string;
  anyOf?: JsonSchemaProperty[];
  items?: JsonSchemaProperty;
  description?: string;
};

export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
}

/**
 * Columns of a zod object schema, in order, derived through its JSON Schema so that every
 * artefact (DuckDB views, Glue table, docs) follows the one schema.
 */
function columnsOf(schema: z.ZodObject): Column[] {
  const properties = (jsonSchemaOf(schema) as { properties: Record<string, JsonSchemaProperty> }).properties;
  return Object.entries(properties).map(([name, property]) => {
    const variants = property.anyOf ?? [property];
    const nonNull = variants.filter((variant) => variant.type !== 'null');
    const types = nonNull.flatMap((variant) => (Array.isArray(variant.type) ? variant.type : [variant.type]));
    const nullable = variants.length > nonNull.length || (Array.isArray(property.type) && property.type.includes('null'));
    return {
      name,
      kind: kindOf(
        types.filter((type) => type !== 'null'),
        nonNull[0],
      ),
      nullable,
      description: property.description ?? null,
      ...(nonNull[0]?.format === 'date-time' ? { timestamp: true } : {}),
    };
  });
}

function kindOf(types: (string | undefined)[], variant: JsonSchemaProperty | undefined): ColumnKind {
  if (types.length !== 1) return 'json';
  switch (types[0]) {
    case 'string':
      return 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return variant?.items?.type === 'string' ? 'string_array' : 'json';
    default:
      return 'json';
  }
}

export const CANONICAL_COLUMNS: readonly Column[] = columnsOf(CanonicalEventSchema);
export const QUARANTINE_COLUMNS: readonly Column[] = columnsOf(QuarantineRecordSchema);
export const FINDING_COLUMNS: readonly Column[] = columnsOf(FindingSchema);
