import { parseDocument } from 'yaml';
import type { z } from 'zod';

/** A configuration document that cannot be used, with one message per problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join('; ')}`);
  }
}

/** A validated document, with what was accepted but is probably a mistake (unknown fields). */
export interface Validated<T> {
  value: T;
  warnings: string[];
}

/**
 * Parses YAML (or JSON) text and validates it. Unknown fields are dropped with a warning, as the API
 * server's lenient decoding drops them; every other problem is an error naming the field path.
 */
export function parseConfigDocument<S extends z.ZodType>(text: string, source: string, schema: S): Validated<z.output<S>> {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    // The first line of the message says what and where ("… at line 4, column 1:"); the rest draws it.
    throw new ConfigError(
      source,
      document.errors.map((error) => `YAML: ${(error.message.split('\n')[0] as string).replace(/:$/, '')}`),
    );
  }
  const input: unknown = document.toJS();
  const first = schema.safeParse(input, { reportInput: true });
  if (first.success) return { value: first.data, warnings: [] };
  const unknown = first.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
  const errors = first.error.issues.filter((issue) => issue.code !== 'unrecognized_keys');
  if (errors.length > 0) throw new ConfigError(source, errors.map(describeIssue));
  // Only unknown fields: drop them and validate again, so what is known is still checked.
  const again = schema.safeParse(withoutKeys(input, unknown), { reportInput: true });
  if (!again.success) throw new ConfigError(source, again.error.issues.map(describeIssue));
  return { value: again.data, warnings: unknown.map(describeIssue) };
}

/** `rules[2].resources[0].group: …`: the Kubernetes field path, then what was expected. */
function describeIssue(issue: z.core.$ZodIssue): string {
  return `${fieldPath(issue.path)}: ${issueText(issue)}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
  return text === '' ? '(document)' : text;
}

function issueText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value': {
      const expected = `${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((value) => String(value)).join(', ')}`;
      return issue.input === undefined ? `required, expected ${expected}` : `unsupported value ${shown(issue.input)}: expected ${expected}`;
    }
    case 'invalid_type':
      return issue.input === undefined ? `required, expected ${issue.expected}` : `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} ignored`;
    default:
      return issue.message;
  }
}

/** A value as a message shows it: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function withoutKeys(input: unknown, issues: readonly z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(input);
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let target: unknown = copy;
    for (const part of issue.path) target = (target as Record<PropertyKey, unknown>)[part];
    for (const key of issue.keys) delete (target as Record<string, unknown>)[key];
  }
  return copy;
}
