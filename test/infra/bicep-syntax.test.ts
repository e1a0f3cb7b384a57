import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';
import { bicepFilesUnder, parseBicep, syntaxErrors } from './helpers/bicep.ts';

const BICEP_FILES = bicepFilesUnder(join(REPO_ROOT, 'infra'));

describe('Bicep syntax (tree-sitter-bicep, in place of the Bicep compiler)', () => {
  it('finds the kaudit templates', () => {
    // Assess
    expect(BICEP_FILES.map((file) => relative(REPO_ROOT, file)).sort()).toEqual(
      expect.arrayContaining(['infra/azure/aks-audit-diagnostics.bicep', 'infra/azure/main.bicep', 'infra/azure/subscribe-cluster.bicep']),
    );
  });

  it.each(BICEP_FILES.map((file) => [relative(REPO_ROOT, file), file]))('%s parses without errors', async (_name, file) => {
    // Act
    const errors = syntaxErrors(await parseBicep(readFileSync(file, 'utf8')));

    // Assess
    expect(errors).toEqual([]);
  });

  it('reports a property without a value, with its position', async () => {
    // Prepare
    const broken = "resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {\n  name: 'plan'\n  location:\n}\n";

    // Act
    const errors = syntaxErrors(await parseBicep(broken));

    // Assess
    expect(errors).toEqual([expect.stringMatching(/^3:\d+: MISSING/)]);
  });

  it('reports an unclosed object', async () => {
    // Prepare
    const broken = "param location string = 'westeurope'\nresource plan 'Microsoft.Web/serverfarms@2024-04-01' = {\n  name: 'plan'\n";

    // Act
    const errors = syntaxErrors(await parseBicep(broken));

    // Assess
    expect(errors.length).toBeGreaterThan(0);
  });
});
