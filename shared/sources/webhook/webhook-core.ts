import { shortHash } from '../../core/digest.ts';
import { messageOf } from '../../core/errors.ts';
import { addSummary, emptySummary } from '../../core/ingest-summary.ts';
import { withoutBom } from '../../core/json-text.ts';
import type { Limits } from '../../core/limits.ts';
import { ingestBatch, type PipelineOptions } from '../../pipeline/ingest-batch.ts';
import type { EventStore } from '../../store/event-store.ts';
import { decodeAuditEventList } from '../audit-log/audit-log.ts';
import { bearerToken, type ClusterIdentity, type TokenTable } from './tokens.ts';

/** An HTTP request as each host (node:http, Lambda Function URL, Azure Functions) presents it. */
export interface WebhookRequest {
  method: string;
  /** The path below the receiver's mount point, without the query. */
  path: string;
  /** A header's value by its lower-case name. */
  header(name: string): string | undefined;
  /** The body, or null when it is longer than `maxBytes` (then read no further than that). */
  readBody(maxBytes: number): Promise<Buffer | null>;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver needs besides the request: built once per process. */
export interface WebhookReceiver {
  tokens: TokenTable;
  store: EventStore;
  pipeline: PipelineOptions;
  limits: Limits;
  /** Largest accepted body; a larger one is answered 413. */
  maxBodyBytes: number;
  now: () => Date;
  /** Where store failures are reported in full (the response says less). */
  logError: (message: string, fields: Record<string, unknown>) => void;
}

/** Where the health check answers (GET, no token). */
const HEALTH_PATH = '/healthz';

/**
 * The audit webhook backend's receiver, whatever hosts it. kube-apiserver POSTs an `EventList`
 * with `Authorization: Bearer <token>`; the token alone decides the cluster the events are
 * recorded for. 200 is answered only once the batch is stored; a store failure is 503 so the API
 * server retries (it retries 5xx and 429, and drops a batch on other 4xx). A body that is not an
 * EventList is kept in quarantine before it is refused with 400, so nothing is lost silently.
 */
export async function handleWebhookRequest(request: WebhookRequest, receiver: WebhookReceiver): Promise<WebhookResponse> {
  const method = request.method.toUpperCase();
  if (request.path === HEALTH_PATH && (method === 'GET' || method === 'HEAD')) return json(200, { status: 'ok' });
  if (method !== 'POST') return json(405, { error: `${method} is not supported: POST an audit.k8s.io/v1 EventList` }, { allow: 'POST' });

  const token = bearerToken(request.header('authorization'));
  const identity = token === null ? null : receiver.tokens.identify(token);
  if (identity === null) {
    const error = token === null ? 'missing bearer token: send Authorization: Bearer <token>' : 'unknown bearer token';
    return json(401, { error }, { 'www-authenticate': 'Bearer realm="kaudit"' });
  }
  const encoding = request.header('content-encoding');
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return json(415, { error: `Content-Encoding ${encoding} is not supported: send the EventList uncompressed` });
  }
  const body = await request.readBody(receiver.maxBodyBytes);
  if (body === null) return json(413, { error: `body exceeds the limit of ${receiver.maxBodyBytes} bytes: lower --audit-webhook-truncate-max-batch-size` });

  return storeBatch(body, identity, request.path, receiver);
}

/**
 * Stores the body's batches one after another: an EventList longer than the per-batch record
 * limit is stored in parts, and 200 is answered only once every part is. A part that fails makes
 * the answer 503; the API server's resend finds the parts already stored and writes only the rest.
 */
async function storeBatch(body: Buffer, identity: ClusterIdentity, path: string, receiver: WebhookReceiver): Promise<WebhookResponse> {
  const text = withoutBom(body.toString('utf8'));
  const read = readEventList(text);
  const batches = decodeAuditEventList(
    // A body that is no EventList goes to quarantine as the text that came, not as JSON re-written.
    'list' in read ? read.list : text,
    {
      clusterName: identity.cluster_name,
      clusterId: identity.cluster_id,
      sourceType: 'webhook',
      sourceStream: path,
      ingestTime: receiver.now().toISOString(),
      limits: receiver.limits,
    },
    // The API server resends the same body on retry: the same key makes the retry idempotent.
    `wh-${shortHash(identity.cluster_id, text)}`,
  );
  const summary = emptySummary();
  for (const batch of batches) {
    try {
      addSummary(summary, await ingestBatch(batch, receiver.store, receiver.pipeline));
    } catch (error) {
      receiver.logError('kaudit webhook batch not stored', { cluster_id: identity.cluster_id, batch_key: batch.batchKey, error: messageOf(error) });
      return json(503, { error: 'the store is unavailable: the batch was not stored, retry later' }, { 'retry-after': '5' });
    }
  }
  return 'list' in read ? json(200, summary) : json(400, { error: `${read.refusal}; kept in quarantine`, summary });
}

/** The EventList a body holds, or why it holds none. */
function readEventList(text: string): { list: unknown } | { refusal: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, which may be a secret.
    return { refusal: 'body is not JSON' };
  }
  const fields = value as { kind?: unknown; items?: unknown } | null;
  return fields?.kind === 'EventList' && Array.isArray(fields.items) ? { list: value } : { refusal: 'body is not an audit.k8s.io/v1 EventList' };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): WebhookResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: `${JSON.stringify(body)}\n` };
}
