/**
 * One Sigma rule file → a compiled rule, or a refusal naming the file and every problem: YAML
 * errors, missing or malformed attributes, another log source, and any Sigma feature kaudit does
 * not evaluate. A rule is never loaded with a part it cannot honour.
 */
import { parseAllDocuments } from 'yaml';
import type * as z from 'zod';
import { compileDetection } from './detection.ts';
import type { CompiledCondition } from './field-condition.ts';
import type { Placeholders } from './placeholders.ts';
import { type SigmaRuleMetadata, SigmaRuleSchema } from './rule-document.ts';
import type { RuleRefusal } from './rule-refusal.ts';

export interface CompiledRule extends SigmaRuleMetadata, CompiledCondition {
  /** The file the rule came from, as given to the loader. */
  path: string;
}

export type LoadedRule = { ok: true; rule: CompiledRule } | { ok: false; refusal: RuleRefusal };

export interface LoadOptions {
  /** The values of the `%placeholders%` that rules using `expand` may name; none by default. */
  placeholders?: Placeholders;
}

/** Top-level attributes of Sigma documents that are no single-event detection rule. */
const OTHER_DOCUMENT_KINDS: readonly [string, string][] = [
  ['correlation', 'correlation rules (correlation:) are not supported: kaudit evaluates one event at a time'],
  ['filter', "Sigma filters (filter:) are not supported: write the exclusion into the rule's condition"],
  ['action', 'rule collections (action: global/reset/repeat) are not supported: write one complete rule per file'],
];

export function loadRule(path: string, text: string, options: LoadOptions = {}): LoadedRule {
  const refuse = (problems: string[]): LoadedRule => ({ ok: false, refusal: { path, problems } });
  const documents = parseAllDocuments(text);
  if (documents.length > 1) return refuse([`the file holds ${documents.length} YAML documents: rule collections are not supported, write one rule per file`]);
  const [document] = documents;
  if (document === undefined) return refuse(['the file holds no YAML document']);
  // The first line of a YAML error says what and where ("… at line 4, column 1:"); the rest draws it.
  if (document.errors.length > 0) return refuse(document.errors.map((error) => `YAML: ${(error.message.split('\n')[0] as string).replace(/:$/, '')}`));

  const value: unknown = document.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse(['expected a Sigma rule: a YAML map with title, id, level, logsource and detection']);
  const unsupportedKind = OTHER_DOCUMENT_KINDS.find(([key]) => Object.hasOwn(value, key));
  if (unsupportedKind) return refuse([unsupportedKind[1]]);

  const parsed = SigmaRuleSchema.safeParse(value);
  if (!parsed.success) return refuse(parsed.error.issues.map(describeIssue));
  const { logsource, detection, ...metadata } = parsed.data;
  if (logsource.product !== 'kubernetes' || logsource.service !== 'audit') {
    return refuse([`logsource is ${shownLogsource(logsource)}: kaudit evaluates rules for product kubernetes, service audit only`]);
  }
  const compiled = compileDetection(detection, options.placeholders);
  if ('problems' in compiled) return refuse(compiled.problems);
  return { ok: true, rule: { ...metadata, path, matches: compiled.matches, requires: compiled.requires } };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? '(rule)' : issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  return `${where}: ${missing ? `required (${issue.expected})` : issue.message}`;
}

function shownLogsource(logsource: { product?: string; service?: string; category?: string }): string {
  const parts = (['product', 'service', 'category'] as const).filter((key) => logsource[key] !== undefined).map((key) => `${key} ${logsource[key]}`);
  return parts.length > 0 ? parts.join(', ') : 'empty';
}
