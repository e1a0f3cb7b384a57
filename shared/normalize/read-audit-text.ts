import type { QuarantineReason } from '../schema/quarantine-record.ts';
import { parseJsonPrefix } from './partial-json.ts';

export type AuditTextRead =
  | { value: unknown; truncated: boolean }
  | { error: string; reason: QuarantineReason };

/** EKS appends this marker to an audit event it cut at CloudWatch's event size limit. */
const EKS_TRUNCATION_MARKER = /\s*(?:\.\.\.)?\[Truncated\.\.\.\]\s*$/;

/**
 * Parses audit event text. Text that is a JSON object cut short (EKS's `[Truncated...]`, or AKS's
 * cut at about 16 KiB) is read as far as it goes and flagged as truncated.
 */
export function readAuditEventText(text: string): AuditTextRead {
  try {
    return { value: JSON.parse(text), truncated: false };
  } catch (error) {
    const prefix = text.replace(EKS_TRUNCATION_MARKER, '').trimStart();
    if (prefix.startsWith('{')) {
      const partial = parseJsonPrefix(prefix);
      if (partial && !partial.complete) return { value: partial.value, truncated: true };
      if (partial?.complete) return { value: partial.value, truncated: prefix.length < text.trim().length };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { error: `not JSON and not a truncated JSON object: ${message.slice(0, 200)}`, reason: 'invalid_json' };
  }
}
