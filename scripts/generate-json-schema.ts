/**
 * Writes the JSON Schema of the canonical event and the quarantine record, generated from the
 * zod schemas (the single source). test/schema/json-schema.test.ts fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderJsonSchemas } from '../shared/schema/json-schema-files.ts';

for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(path.resolve(import.meta.dirname, '..', file), text);
  console.log(file);
}
