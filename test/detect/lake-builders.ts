/**
 * Lakes for tests of detections over stored events: requests by given people, from given
 * addresses, at given times, made by the real normalizer and stored as ingestion stores them.
 */
import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { canonicalEvent } from '../detection/detection-builders.ts';

export interface RequestAt {
  /** UTC ISO-8601. */
  time: string;
  user: string;
  verb?: string;
  resource?: string;
  name?: string;
  code?: number;
  /** The connection's peer address (the last of sourceIPs). */
  from?: string;
}

/** One request as the API server audits it at ResponseComplete. */
export function requestAt(request: RequestAt): CanonicalEvent {
  const { verb = 'get', resource = 'configmaps', name = 'app-settings', code = verb === 'create' ? 201 : 200, from = '10.0.12.7' } = request;
  const forbidden = code === 403;
  return canonicalEvent({
    auditID: randomUUID(),
    verb,
    requestURI: `/api/v1/namespaces/shop/${resource}${verb === 'create' || verb === 'list' ? '' : `/${name}`}`,
    user: { username: request.user, groups: ['system:authenticated'] },
    sourceIPs: [from],
    objectRef: { resource, namespace: 'shop', ...(verb === 'create' || verb === 'list' ? {} : { name }), apiVersion: 'v1' },
    responseStatus: forbidden ? { metadata: {}, status: 'Failure', reason: 'Forbidden', code } : { metadata: {}, code },
    annotations: { 'authorization.k8s.io/decision': forbidden ? 'forbid' : 'allow', 'authorization.k8s.io/reason': '' },
    requestReceivedTimestamp: request.time,
    stageTimestamp: request.time,
  });
}

/** `count` requests from `start`, `everySeconds` apart, each built by `request` from its index and time. */
export function requestsEvery(start: string, everySeconds: number, count: number, request: (index: number, time: string) => RequestAt): CanonicalEvent[] {
  return Array.from({ length: count }, (_, index) => requestAt(request(index, new Date(Date.parse(start) + index * everySeconds * 1000).toISOString())));
}

/** Stores events in a file lake, as one batch. */
export async function storeEvents(url: string, events: readonly CanonicalEvent[], batchKey = 'file-test'): Promise<void> {
  await new LakeEventStore(new FileObjectStore(url)).writeEvents(batchKey, events);
}
