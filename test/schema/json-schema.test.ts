import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas, withFieldTable } from '../../shared/schema/json-schema-files.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('artefacts generated from the zod schema (npm run schema:generate)', () => {
  it.each(Object.entries(renderJsonSchemas()))('%s is current', (file, expected) => {
    // Act
    const checkedIn = read(file);

    // Assess
    expect(checkedIn).toBe(expected);
  });

  it('the field table of docs/contracts.md is current', () => {
    // Act
    const contracts = read('docs/contracts.md');

    // Assess
    expect(contracts).toBe(withFieldTable(contracts));
  });
});
