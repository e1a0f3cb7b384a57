/**
 * Writes the JSON Schema files of the canonical event, the quarantine record and the finding, and the README's
 * field table, all generated from the zod schemas (the single source).
 * test/schema/json-schema.test.ts fails when any of them is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderJsonSchemas, withFieldTable } from '../shared/schema/json-schema-files.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(path.join(root, file), text);
  console.log(file);
}
const readme = path.join(root, 'README.md');
writeFileSync(readme, withFieldTable(readFileSync(readme, 'utf8')));
console.log('README.md (field table)');
