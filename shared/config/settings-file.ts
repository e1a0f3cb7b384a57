import { SETTINGS } from '../core/settings.ts';
import type { SettingsFile } from './read-config.ts';

const KNOWN_NAMES = new Set<string>(Object.values(SETTINGS));

/**
 * A settings file (`--config FILE`): a YAML or JSON mapping of setting names to values, e.g.
 * `KAUDIT_STORE_URL: s3://audit-lake/prod`. A value is read as its environment variable would be: a
 * number or boolean as its text, a mapping or list (KAUDIT_APPROVED_NETWORKS) as its JSON text.
 * Problems name the file and the entry; values are never quoted, since some settings are secret.
 * The YAML parser is loaded here, when a file is read: most commands run without one.
 */
export async function parseSettingsFile(text: string, file: string): Promise<SettingsFile | { problems: string[] }> {
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text);
  if (document.errors.length > 0) return { problems: document.errors.map((error) => `${file}: YAML: ${(error.message.split('\n')[0] as string).replace(/:$/, '')}`) };
  const value: unknown = document.toJS();
  if (value === null || value === undefined) return { file, values: {} };
  if (typeof value !== 'object' || Array.isArray(value))
    return { problems: [`${file}: expected a mapping of setting names to values, e.g. KAUDIT_STORE_URL: s3://audit-lake/prod`] };
  const problems: string[] = [];
  const values: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!KNOWN_NAMES.has(name)) problems.push(`${file}: ${JSON.stringify(name)} is not a kaudit setting (the settings are listed in docs/configuration.md)`);
    else if (entry === null || entry === undefined) continue;
    else values[name] = typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
  }
  return problems.length > 0 ? { problems } : { file, values };
}
