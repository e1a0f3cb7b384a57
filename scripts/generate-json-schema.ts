/**
 * Writes the JSON Schema files of the canonical event, the quarantine record and the finding, the README's
 * field table and the Azure query definitions, all generated from the zod schemas (the single source).
 * test/schema/json-schema.test.ts and test/infra/azure-query-definitions.test.ts fail when any of them is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAzureQueryDefinitions } from '../infra/azure/query-definitions.ts';
import { renderJsonSchemas, withFieldTable } from '../shared/schema/json-schema-files.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const [file, text] of Object.entries({ ...renderJsonSchemas(), ...renderAzureQueryDefinitions() })) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  console.log(file);
}
const readme = path.join(root, 'README.md');
writeFileSync(readme, withFieldTable(readFileSync(readme, 'utf8')));
console.log('README.md (field table)');
