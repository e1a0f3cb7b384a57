import type { QuarantineReason } from '../schema/quarantine-record.ts';
import { describeJsonError, parseJsonPrefix } from './partial-json.ts';

export type AuditTextRead = { value: unknown; truncated: boolean } | { error: string; reason: QuarantineReason };

/** EKS appends this marker to an audit event it cut at CloudWatch's event size limit, sometimes after `...`. */
const EKS_TRUNCATION_MARKER = '[Truncated...]';

/**
 * Parses audit event text. Text that is a JSON object cut short (EKS's `[Truncated...]`, or AKS's
 * cut at about 16 KiB) is read as far as it goes and flagged as truncated.
 */
export function readAuditEventText(text: string): AuditTextRead {
  try {
    return { value: JSON.parse(text), truncated: false };
  } catch {
    const prefix = withoutTruncationMarker(text).trimStart();
    if (prefix.startsWith('{')) {
      const partial = parseJsonPrefix(prefix);
      if (partial && !partial.complete) return { value: partial.value, truncated: true };
      if (partial?.complete) return { value: partial.value, truncated: prefix.length < text.trim().length };
    }
    return { error: `not JSON and not a truncated JSON object: ${describeJsonError(text)}`, reason: 'invalid_json' };
  }
}

/**
 * Text without the marker EKS appends to an event it cut, and the whitespace around it. Not a
 * pattern anchored at the end: on a long run of whitespace that would take quadratic time.
 */
export function withoutTruncationMarker(text: string): string {
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith(EKS_TRUNCATION_MARKER)) return text;
  const before = trimmed.slice(0, -EKS_TRUNCATION_MARKER.length);
  return (before.endsWith('...') ? before.slice(0, -3) : before).trimEnd();
}
