import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSettingsTable } from '../../shared/config/settings-table.ts';
import { SETTINGS } from '../../shared/core/settings.ts';

const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/configuration.md'), 'utf8');

describe('docs/configuration.md (npm run schema:generate)', () => {
  it('has the current settings table', () => {
    // Assess
    expect(doc).toBe(withSettingsTable(doc));
  });

  it('lists every setting kaudit reads', () => {
    // Act
    const missing = Object.values(SETTINGS).filter((name) => !doc.includes(`| \`${name}\` |`));

    // Assess
    expect(missing).toEqual([]);
  });
});
