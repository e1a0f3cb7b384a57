/**
 * Writes the JSON Schema files of the canonical event, the quarantine record and the finding, docs/contracts.md's
 * field table, docs/configuration.md's settings table and the Azure query definitions, all generated
 * from the zod schemas (the single source). test/schema/json-schema.test.ts,
 * test/config/settings-table.test.ts and test/infra/azure-query-definitions.test.ts fail when any of
 * them is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAzureQueryDefinitions } from '../infra/azure/query-definitions.ts';
import { withSettingsTable } from '../shared/config/settings-table.ts';
import { renderJsonSchemas, withFieldTable } from '../shared/schema/json-schema-files.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const [file, text] of Object.entries({ ...renderJsonSchemas(), ...renderAzureQueryDefinitions() })) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  console.log(file);
}
const contracts = path.join(root, 'docs/contracts.md');
writeFileSync(contracts, withFieldTable(readFileSync(contracts, 'utf8')));
console.log('docs/contracts.md (field table)');
const configuration = path.join(root, 'docs/configuration.md');
writeFileSync(configuration, withSettingsTable(readFileSync(configuration, 'utf8')));
console.log('docs/configuration.md (settings table)');
