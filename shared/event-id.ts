import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace of kaudit's UUIDv5 event ids (SPEC §2). Fixed forever: changing it changes every id.
 * It is uuidv5(URL namespace, "https://github.com/kaudit/kaudit/k8s_audit/1").
 */
export const EVENT_ID_NAMESPACE = '681f087b-cbb9-57b6-903d-51d37e98fcaf';

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
  const name = [
    parts.cluster_id,
    parts.audit_id,
    parts.stage,
    parts.start_time,
    parts.time,
    parts.verb,
    parts.request_uri,
    parts.user_name,
  ]
    .map((part) => part ?? '')
    .join(SEPARATOR);
  return uuidv5(name, EVENT_ID_NAMESPACE);
}
