import { documentEnd } from '../../core/json-documents.ts';
import { nestsDeeperThan, parseOrUndefined } from '../../core/json-text.ts';
import { isRecord, type JsonRecord, mapItems, mapKeys, mapValues } from '../../core/json-value.ts';
import { MAX_JSON_DEPTH } from '../../core/limits.ts';
import { parseJsonPrefix } from '../../core/partial-json.ts';
import { withoutTruncationMarker } from '../../core/read-audit-text.ts';
import type { QuarantineTransform } from '../transform.ts';
import { REDACTED } from './path-tree.ts';
import { escapeRegExp, queryParameterSource } from './patterns.ts';
import { ADMISSION_PATCH_ANNOTATION_PREFIX } from './redaction-rules.ts';
import { type BodyResource, kindOf, type Redactor } from './redactor.ts';

/** Ends a raw text cut at a place that may hold a secret value. */
export const WITHHELD = '[REDACTED: the rest of this text was withheld, it may hold secret values]';

/**
 * A step for quarantine records, whose `raw` keeps the original text. The JSON in it is found
 * (the whole text, documents back to back, JSON after a prefix such as a container runtime's
 * `<time> stdout F `, a document cut short) and walked: audit events in it, at any depth and inside
 * JSON carried as strings (CloudWatch messages, AKS `properties.log`), get their bodies, webhook
 * patches and URIs redacted as events are. What cannot be read is cut at the first place that may
 * hold a secret, since what follows cannot be told apart. `raw_sha256` and `quarantine_id` keep
 * describing the original text.
 */
export function quarantineScrubber(redactor: Redactor): QuarantineTransform {
  const firstSecret = secretLocator(redactor);

  /** The text with what may be secret redacted or withheld; the text itself when nothing is. */
  const scrubText = (text: string): string => {
    let scrubbed = '';
    let position = 0;
    while (position < text.length) {
      const opening = nextOpening(text, position);
      const plain = text.slice(position, opening);
      const cut = firstSecret(plain);
      if (cut !== -1) return `${scrubbed}${plain.slice(0, cut)}${WITHHELD}`;
      scrubbed += plain;
      if (opening === text.length) break;
      const end = documentEnd(text, opening);
      if (end === null) return `${scrubbed}${scrubCutShort(text.slice(opening))}`;
      const document = text.slice(opening, end);
      const parsed = walkable(parseOrUndefined(document));
      if (parsed !== undefined) {
        const value = scrubValue(parsed);
        scrubbed += value === parsed ? document : JSON.stringify(value);
      } else {
        const inDocument = firstSecret(document);
        if (inDocument !== -1) return `${scrubbed}${document.slice(0, inDocument)}${WITHHELD}`;
        scrubbed += document;
      }
      position = end;
    }
    return scrubbed === text ? text : scrubbed;
  };

  /**
   * A document that runs to the end of the text unclosed. What it holds up to the cut is walked (a
   * string the cut went through too, as JSON carried in a string may be cut) and, when that
   * redacts something, written back as JSON marked as cut. Otherwise the text is kept, cut at the
   * first place that may hold a secret: the parse leaves out what the cut made unreadable.
   */
  const scrubCutShort = (text: string): string => {
    const partial = parseJsonPrefix(withoutTruncationMarker(text), { keepCutStrings: true });
    const value = partial === null || partial.complete ? undefined : walkable(partial.value);
    const scrubbed = value === undefined ? undefined : scrubValue(value);
    if (scrubbed !== value) return `${JSON.stringify(scrubbed)}${WITHHELD}`;
    const cut = firstSecret(text);
    return cut === -1 ? text : `${text.slice(0, cut)}${WITHHELD}`;
  };

  const scrubValue = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return mapItems(value, scrubValue);
    if (!isRecord(value)) return value;
    // An object of a redacted kind (a Secret) wherever it is, then an audit event's parts, then whatever else it holds.
    let result = redactor.redactBody(value, 'none', false);
    if (isRecord(result) && isAuditEvent(result)) result = redactAuditEvent(result, redactor);
    return isRecord(result) ? mapValues(result, scrubValue) : result;
  };

  return (record) => {
    if (record.raw === null) return record;
    const raw = scrubText(record.raw);
    return raw === record.raw ? record : { ...record, raw, detail: `${record.detail} (raw: secret values redacted)` };
  };
}

/** Whether a JSON object is an audit event, whose bodies belong to the resource its objectRef names. */
function isAuditEvent(value: JsonRecord): boolean {
  return Object.hasOwn(value, 'requestObject') || Object.hasOwn(value, 'responseObject') || Object.hasOwn(value, 'auditID');
}

/** A raw audit event redacted as the pipeline redacts a canonical event: bodies, webhook patches, credentials in URIs. */
function redactAuditEvent(event: JsonRecord, redactor: Redactor): JsonRecord {
  const resource = auditEventResource(event);
  const kind = kindOf(event.requestObject) || kindOf(event.responseObject);
  let result = mapKeys(event, ['requestObject', 'responseObject'], (body, key) => redactor.redactBody(body, resource, key === 'requestObject' && event.verb === 'patch'));
  result = mapKeys(result, ['annotations'], (annotations) => (isRecord(annotations) ? redactor.redactAnnotations(annotations, resource, kind) : annotations));
  result = mapKeys(result, ['requestURI'], (uri) => (typeof uri === 'string' ? redactor.redactQuery(uri) : uri));
  return mapKeys(result, ['responseStatus'], (status) =>
    isRecord(status) ? mapKeys(status, ['message'], (message) => (typeof message === 'string' ? redactor.redactQuery(message) : message)) : status,
  );
}

/** The resource of a raw audit event, from its objectRef; `unknown` (every rule applies) when that is unreadable. */
function auditEventResource(event: JsonRecord): BodyResource {
  const ref = event.objectRef;
  if (!isRecord(ref) || typeof ref.resource !== 'string') return 'unknown';
  return {
    apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
    resource: ref.resource,
    subresource: typeof ref.subresource === 'string' ? ref.subresource : '',
  };
}

/**
 * Finds, in text that could not be read as JSON, the first place that may hold a secret value:
 * a field named by a redaction path, kubectl's last-applied annotation or a webhook's patch
 * annotation (each as a quoted key at any depth of JSON-in-a-string escaping: `"data":`,
 * `\"data\":`, …), a JSON Patch operation whose `path` writes where a rule redacts (from the start
 * of the operation, whose value may come before its path), a credential query parameter's value.
 * Returns its offset, or -1.
 */
function secretLocator(redactor: Redactor): (text: string) => number {
  const names = [...redactor.fieldNames.map(escapeRegExp), `${escapeRegExp(ADMISSION_PATCH_ANNOTATION_PREFIX)}[^"\\\\]*`];
  // Each starts at the key's opening quote: a pattern starting with `\\*` would be tried at every
  // backslash of a long run, in quadratic time. The backslashes escaping that quote are cut with it.
  const field = new RegExp(`"(?:${names.join('|')})\\\\*"\\s*:`);
  // A `"path": "<pointer>"` key and value at one depth of escaping (the backslashes of group 1).
  const patchPath = /"path(\\*)"\s*:\s*\1"([^"\\]*)/g;
  const parameters = redactor.queryParameters;
  const query = parameters.length === 0 ? null : new RegExp(`${queryParameterSource(parameters)}(?!${escapeRegExp(REDACTED)})`, 'i');

  return (text) => {
    const key = field.exec(text);
    let first = key === null ? -1 : escapedFrom(text, key.index);
    const parameter = query?.exec(text);
    if (parameter && (first === -1 || parameter.index < first)) first = parameter.index + parameter[0].length;
    patchPath.lastIndex = 0;
    for (let match = patchPath.exec(text); match !== null && (first === -1 || match.index < first); match = patchPath.exec(text)) {
      const [, depth, pointer] = match as unknown as [string, string, string];
      // A pointer that holds an escape, or that the text cuts, cannot be read: taken as secret.
      const closed = text.startsWith(`${depth}"`, patchPath.lastIndex);
      if (!closed || redactor.redactsAtPointer(pointer)) first = Math.max(text.lastIndexOf('{', match.index), 0);
    }
    return first;
  };
}

/** Where the backslashes escaping the quote at `quote` start. */
function escapedFrom(text: string, quote: number): number {
  let at = quote;
  while (at > 0 && text.charCodeAt(at - 1) === 0x5c) at--;
  return at;
}

/** Offset of the next `{` or `[` from `from`, or the text's length. */
function nextOpening(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === 0x7b || code === 0x5b) return at;
  }
  return text.length;
}

/** A parsed value that can be walked without overflowing the stack; undefined for anything else. */
function walkable(value: unknown): unknown {
  return value === undefined || nestsDeeperThan(value, MAX_JSON_DEPTH) ? undefined : value;
}
