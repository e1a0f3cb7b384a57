import { sha1Bytes } from './digest.ts';

/**
 * Namespace of kaudit's UUIDv5 event ids (docs/contracts.md#event-id). Fixed forever: changing it changes every id.
 * It is uuidv5(URL namespace, "https://github.com/kaudit/kaudit/k8s_audit/1").
 */
export const EVENT_ID_NAMESPACE = '681f087b-cbb9-57b6-903d-51d37e98fcaf';

const NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');
const SEPARATOR = '\u001f';

/** The parts of an event id, exactly as the source wrote them; a part the source lost is "". */
export interface EventIdParts {
  cluster_id: string | null;
  audit_id: string;
  stage: string;
  start_time: string | null;
  time: string | null;
  verb: string | null;
  request_uri: string | null;
  user_name: string | null;
}

export function eventId(parts: EventIdParts): string {
  const name = [parts.cluster_id, parts.audit_id, parts.stage, parts.start_time, parts.time, parts.verb, parts.request_uri, parts.user_name].join(SEPARATOR); // join writes null as ""
  return uuidV5(name);
}

/**
 * A finding's id: UUIDv5 of the detection's id and the event's id, so detecting the same event
 * with the same rule again (a redelivered batch, `kaudit detect` over events ingestion already
 * judged) names the same finding. The `finding` prefix keeps these names apart from event names.
 */
export function findingId(ruleId: string, eventId: string): string {
  return uuidV5(['finding', ruleId.toLowerCase(), eventId].join(SEPARATOR));
}

/**
 * RFC 9562 UUIDv5 of `name` (UTF-8) in kaudit's namespace: SHA-1 of namespace bytes + name, with
 * the version and variant bits set. Written out because it runs once per event, and the `uuid`
 * package's v5 spends most of its time re-encoding the name byte by byte (a fifth of the cost here).
 */
function uuidV5(name: string): string {
  const digest = sha1Bytes(Buffer.concat([NAMESPACE_BYTES, Buffer.from(name, 'utf8')]));
  digest[6] = ((digest[6] as number) & 0x0f) | 0x50;
  digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
