import { nestsDeeperThan } from '../decode/json-text.ts';
import { MAX_JSON_DEPTH } from '../limits.ts';
import type { QuarantineRecord } from '../schema/quarantine-record.ts';
import { isRecord, mapItems, mapKeys, mapValues } from './json-value.ts';
import type { BodyResource, Redactor } from './redactor.ts';

/** Ends a raw text cut at a field that may hold a secret value. */
export const WITHHELD = '[REDACTED: the rest of this text was withheld, it may hold secret values]';

/**
 * A step for quarantine records, whose `raw` keeps the original text: audit events found in it
 * (at any depth, and inside JSON carried as strings, like CloudWatch messages and AKS
 * `properties.log`) get their bodies redacted. Text that does not parse is cut at the first field
 * named by a redaction path, since what follows cannot be told apart. `raw_sha256` and
 * `quarantine_id` keep describing the original text.
 */
export function quarantineScrubber(redactor: Redactor): (record: QuarantineRecord) => QuarantineRecord {
  const escapedNames = redactor.fieldNames.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  // A field name in quotes at any depth of JSON-in-a-string escaping: "data":, \"data\":, \\\"data\\\":
  const secretField = new RegExp(`\\\\*"(?:${escapedNames.join('|')})\\\\*"\\s*:`);

  const scrubText = (text: string): string => {
    if (/^\s*[{[]/.test(text)) {
      const parsed = parseOrUndefined(text);
      // Too deep to walk without overflowing the stack (hostile input): cut like text that does not parse.
      if (parsed !== undefined && !nestsDeeperThan(parsed, MAX_JSON_DEPTH)) {
        const scrubbed = scrubValue(parsed);
        return scrubbed === parsed ? text : JSON.stringify(scrubbed);
      }
    }
    const field = secretField.exec(text);
    return field === null ? text : `${text.slice(0, field.index)}${WITHHELD}`;
  };

  const scrubValue = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return mapItems(value, scrubValue);
    if (!isRecord(value)) return value;
    // An object of a redacted kind (a Secret) wherever it is, then an audit event's bodies, then whatever else it holds.
    let result = redactor.redactBody(value, 'none', false);
    if (isRecord(result) && (Object.hasOwn(result, 'requestObject') || Object.hasOwn(result, 'responseObject'))) {
      const event = result;
      const resource = auditEventResource(event);
      result = mapKeys(event, ['requestObject', 'responseObject'], (body, key) =>
        redactor.redactBody(body, resource, key === 'requestObject' && event.verb === 'patch'),
      );
    }
    return isRecord(result) ? mapValues(result, scrubValue) : result;
  };

  return (record) => {
    if (record.raw === null) return record;
    const raw = scrubText(record.raw);
    return raw === record.raw ? record : { ...record, raw, detail: `${record.detail} (raw: secret values redacted)` };
  };
}

/** The resource of a raw audit event, from its objectRef; `unknown` (every rule applies) when that is unreadable. */
function auditEventResource(event: Record<string, unknown>): BodyResource {
  const ref = event.objectRef;
  if (!isRecord(ref) || typeof ref.resource !== 'string') return 'unknown';
  return {
    apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
    resource: ref.resource,
    subresource: typeof ref.subresource === 'string' ? ref.subresource : '',
  };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
