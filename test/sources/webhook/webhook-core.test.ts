import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { TokenTable } from '../../../shared/sources/webhook/tokens.ts';
import { handleWebhookRequest, type WebhookReceiver, type WebhookRequest } from '../../../shared/sources/webhook/webhook-core.ts';
import { type EventStore, LakeEventStore } from '../../../shared/store/event-store.ts';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { MemoryObjectStore } from '../../helpers/lake.ts';
import { FAULTS, FaultyObjectStore } from '../../reliability/helpers/faulty-object-store.ts';

const TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';

function receiverWith(store: EventStore = new LakeEventStore(new MemoryObjectStore())): WebhookReceiver {
  return {
    tokens: new TokenTable({ [TOKEN]: { cluster_name: 'onprem-prod' } }),
    store,
    pipeline: { transforms: [] },
    limits: DEFAULT_LIMITS,
    maxBodyBytes: 1024 * 1024,
    now: () => new Date('2026-11-20T14:05:00.000Z'),
    logError: () => undefined,
  };
}

function request(fields: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): WebhookRequest & { bodyRead: () => boolean } {
  let read = false;
  const body = Buffer.from(fields.body ?? '');
  return {
    method: fields.method ?? 'POST',
    path: fields.path ?? '/',
    header: (name) => fields.headers?.[name],
    readBody: async (maxBytes) => {
      read = true;
      return body.length > maxBytes ? null : body;
    },
    bodyRead: () => read,
  };
}

const authorized = { authorization: `Bearer ${TOKEN}` };

describe('handleWebhookRequest', () => {
  it('answers HEAD on the health path', async () => {
    // Act
    const response = await handleWebhookRequest(request({ method: 'HEAD', path: '/healthz' }), receiverWith());

    // Assess
    expect(response.status).toBe(200);
  });

  it('answers 405 to methods other than POST, naming the one allowed', async () => {
    // Act
    const response = await handleWebhookRequest(request({ method: 'PUT', headers: authorized }), receiverWith());

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  it('does not read the body of a request without a valid token', async () => {
    // Prepare
    const unauthenticated = request({ headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: JSON.stringify(eventList([auditEvent()])) });

    // Act
    const response = await handleWebhookRequest(unauthenticated, receiverWith());

    // Assess
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ error: 'missing bearer token: send Authorization: Bearer <token>' });
    expect(unauthenticated.bodyRead()).toBe(false);
  });

  it('accepts the Bearer scheme in any letter case', async () => {
    // Act
    const response = await handleWebhookRequest(request({ headers: { authorization: `bearer ${TOKEN}` }, body: JSON.stringify(eventList([])) }), receiverWith());

    // Assess
    expect(response.status).toBe(200);
  });

  it('answers 415 to a compressed body', async () => {
    // Act
    const response = await handleWebhookRequest(request({ headers: { ...authorized, 'content-encoding': 'gzip' } }), receiverWith());

    // Assess
    expect(response.status).toBe(415);
  });

  it('quarantines a body that is not JSON and answers 400', async () => {
    // Prepare
    const objects = new MemoryObjectStore();

    // Act
    const response = await handleWebhookRequest(request({ headers: authorized, body: 'not json' }), receiverWith(new LakeEventStore(objects)));

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error).toBe('body is not JSON; kept in quarantine');
    expect([...objects.objects.keys()].every((key) => key.startsWith('quarantine/v1/'))).toBe(true);
    expect(objects.objects.size).toBe(1);
  });

  it('writes the same batch key for the same body from the same cluster', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const receiver = receiverWith(new LakeEventStore(objects));
    const body = JSON.stringify(eventList([auditEvent()]));

    // Act
    await handleWebhookRequest(request({ headers: authorized, body }), receiver);
    await handleWebhookRequest(request({ headers: authorized, body }), receiver);

    // Assess
    expect([...objects.objects.keys()]).toEqual([expect.stringMatching(/^events\/v1\/dt=2026-11-20\/hour=14\/wh-[0-9a-f]{32}\.ndjson\.gz$/)]);
  });

  it('names a body that is not JSON without quoting any of it', async () => {
    // Prepare: the parser's own message would quote the text around the unquoted value.
    const secret = 'hunter2-db-password';
    const body = `{"kind":"EventList","items":[{"requestObject":{"data":{"password":${secret}}}}]}`;

    // Act
    const response = await handleWebhookRequest(request({ headers: authorized, body }), receiverWith());

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).not.toContain('hunter2');
    expect(JSON.parse(response.body).error).toBe('body is not JSON; kept in quarantine');
  });

  describe('an EventList longer than the per-batch record limit', () => {
    const FIVE = ['a1', 'a2', 'a3', 'a4', 'a5'].map((auditID) => auditEvent({ auditID }));
    const body = JSON.stringify(eventList(FIVE));
    const limitOfTwo = (store: EventStore) => ({ ...receiverWith(store), limits: { ...DEFAULT_LIMITS, maxRecordsPerBatch: 2 } });

    it('is stored whole, in parts of at most the limit, before 200 is answered', async () => {
      // Prepare
      const objects = new MemoryObjectStore();

      // Act
      const response = await handleWebhookRequest(request({ headers: authorized, body }), limitOfTwo(new LakeEventStore(objects)));

      // Assess
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ received: 5, written: 5, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
      const keys = [...objects.objects.keys()];
      const first = /\/(wh-[0-9a-f]{32})\.ndjson\.gz$/.exec(keys[0] ?? '')?.[1];
      expect(keys.map((key) => key.replace(/^.*\//, ''))).toEqual([`${first}.ndjson.gz`, `${first}-1.ndjson.gz`, `${first}-2.ndjson.gz`]);
    });

    it('answers 503 when a part fails; the resend stores only the parts still missing', async () => {
      // Prepare: the second part's object cannot be written.
      const objects = new FaultyObjectStore(new MemoryObjectStore(), FAULTS.onlyPut(2));
      const receiver = limitOfTwo(new LakeEventStore(objects));

      // Act
      const failed = await handleWebhookRequest(request({ headers: authorized, body }), receiver);
      objects.recover();
      const resent = await handleWebhookRequest(request({ headers: authorized, body }), receiver);

      // Assess
      expect(failed.status).toBe(503);
      expect(resent.status).toBe(200);
      expect(JSON.parse(resent.body)).toMatchObject({ received: 5, written: 3, duplicates: 2 });
    });
  });
});
