import { describe, expect, it } from 'vitest';
import { glueColumnsOf } from '../../infra/aws/glue-columns.ts';
import type { Column } from '../../shared/schema/columns.ts';
import { CANONICAL_COLUMNS } from '../../shared/schema/columns.ts';

function column(kind: Column['kind'], description: string | null = null): Column {
  return { name: `a_${kind}`, kind, nullable: true, description };
}

describe('glueColumnsOf', () => {
  it('maps each column kind to the Hive type the OpenX JSON SerDe reads', () => {
    // Act
    const types = glueColumnsOf(['string', 'integer', 'number', 'boolean', 'string_array', 'json'].map((kind) => column(kind as Column['kind']))).map((glue) => glue.type);

    // Assess
    expect(types).toEqual(['string', 'bigint', 'double', 'boolean', 'array<string>', 'string']);
  });

  it('says in the comment that a json column holds JSON text', () => {
    // Act
    const [glue] = glueColumnsOf([column('json', 'Event.annotations')]);

    // Assess
    expect(glue?.comment).toBe('JSON text. Event.annotations');
  });

  it('omits the comment of an undescribed column and cuts a long one to the 255 characters Glue allows', () => {
    // Act
    const [bare, long] = glueColumnsOf([column('string'), column('string', 'x'.repeat(300))]);

    // Assess
    expect(bare).toEqual({ name: 'a_string', type: 'string' });
    expect(long?.comment).toHaveLength(255);
  });

  it('keeps every canonical column, by name and in schema order', () => {
    // Act
    const names = glueColumnsOf(CANONICAL_COLUMNS).map((glue) => glue.name);

    // Assess
    expect(names).toEqual(CANONICAL_COLUMNS.map((canonical) => canonical.name));
  });

  it('types a time as a timestamp in the Parquet tier, and leaves it ISO-8601 text in the NDJSON tier', () => {
    // Prepare
    const time: Column = { name: 'time', kind: 'string', nullable: false, description: null, timestamp: true };

    // Act
    const [parquet] = glueColumnsOf([time], 'parquet');
    const [ndjson] = glueColumnsOf([time]);

    // Assess
    expect(parquet?.type).toBe('timestamp');
    expect(ndjson?.type).toBe('string');
  });
});
