import * as z from 'zod';
import { parseConfigDocument, type Validated } from '../../core/config-document.ts';
import { ApiGroupSchema } from '../../core/resource-match.ts';
import { parseJsonPath } from './json-path.ts';
import type { RedactionRule } from './redaction-rules.ts';

const JsonPathSchema = z.string().transform((text, context) => {
  const parsed = parseJsonPath(text);
  if (!('error' in parsed)) return parsed;
  context.issues.push({ code: 'custom', input: text, message: `${JSON.stringify(text)}: ${parsed.error}` });
  return z.NEVER;
});

/**
 * User redaction paths: a list of `{group, resources, paths}`, where group and resources select
 * requests as in a Policy rule and paths name fields of the object (lists, tables and kubectl's
 * last-applied annotation are covered, as for the built-in rules).
 */
export const RedactionConfigSchema = z.array(
  z.strictObject({
    group: ApiGroupSchema.nullish(),
    resources: z.array(z.string()).min(1, 'name at least one resource (`*` for all of the group)'),
    paths: z.array(JsonPathSchema).min(1, 'name at least one path'),
  }),
);

/** User redaction rules from YAML or JSON text; throws a ConfigError naming each problem's entry. */
export function loadRedactionRules(text: string, source: string): Validated<RedactionRule[]> {
  const { value, warnings } = parseConfigDocument(text, source, RedactionConfigSchema);
  return { value: value.map((entry) => ({ group: entry.group ?? '', resources: entry.resources, kinds: [], paths: entry.paths })), warnings };
}
