import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../shared/schema/json-schema-files.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('checked-in JSON Schema files', () => {
  it.each(Object.entries(renderJsonSchemas()))('%s matches the zod schema (run npm run schema:generate)', (file, expected) => {
    // Act
    const checkedIn = readFileSync(path.join(root, file), 'utf8');

    // Assess
    expect(checkedIn).toBe(expected);
  });
});
