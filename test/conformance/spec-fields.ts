/**
 * The canonical fields docs/contracts.md#canonical-event copies from an audit.k8s.io Event, derived here from the fixture's
 * own event text so sources without an expected output (Falco, Sysdig, Sumo Logic, Panther) still
 * check real values; and the contents of the envelopes carrying them. Written from the contracts and the
 * documented formats, not from kaudit's normalizer or decoders.
 */
import { gunzipSync, unzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';

/** A parsed JSON object of a fixture. */
export type Json = Record<string, unknown>;

export const object = (value: unknown): Json | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const texts = (value: unknown): string[] | null => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null);

/** Only fields the source writes well-typed: a test about mistyped fields states its own expectations. */
export function specFieldsOf(event: Json): Partial<CanonicalEvent> {
  const user = object(event.user);
  const objectRef = object(event.objectRef);
  const sourceIps = texts(event.sourceIPs);
  const code = object(event.responseStatus)?.code;
  const verb = text(event.verb);
  return {
    audit_id: event.auditID as string,
    stage: event.stage as CanonicalEvent['stage'],
    // Non-resource requests (no objectRef) carry the lower-case HTTP method.
    verb: objectRef ? verb : (verb?.toLowerCase() ?? null),
    request_uri: text(event.requestURI),
    user_name: text(user?.username),
    user_groups: texts(user?.groups),
    source_ips: sourceIps,
    src_ip: sourceIps?.[0] ?? null,
    src_peer_ip: sourceIps?.at(-1) ?? null,
    is_resource_request: objectRef !== null,
    object_api_group: objectRef ? (text(objectRef.apiGroup) ?? 'core') : null,
    object_resource: text(objectRef?.resource),
    object_subresource: text(objectRef?.subresource),
    object_namespace: text(objectRef?.namespace),
    object_name: text(objectRef?.name),
    response_code: typeof code === 'number' && code !== 0 ? code : null,
  };
}

/** The event has the audit event's fields and, as written (docs/contracts.md#timestamps keeps the source's precision), its timestamps. */
export function expectCarries(event: CanonicalEvent, audit: Json): void {
  expect(event).toMatchObject(specFieldsOf(audit));
  expect(event.time).toBe(audit.stageTimestamp);
  expect(event.start_time).toBe(audit.requestReceivedTimestamp);
}

/** The audit event an AKS diagnostic record carries in `properties.log` (JSON text or an object). */
export function auditEventOfAksRecord(record: Json): Json {
  const log = object(record.properties)?.log;
  return typeof log === 'string' ? (JSON.parse(log) as Json) : (log as Json);
}

/** The CloudWatch Logs payload of a subscription event's `awslogs.data`: base64 of gzip (or zlib) of JSON. */
export function subscriptionPayloadOf(data: string): Json {
  return JSON.parse(unzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Json;
}

/** The text a Firehose record's `data` holds: base64 of gzip (as CloudWatch Logs writes to Firehose) or of the bytes as they are. */
export function firehoseDataOf(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}
