import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../shared/core/limits.ts';
import { type RunningServer, startWebhookServer } from '../../../shared/sources/webhook/node-server.ts';
import { TokenTable } from '../../../shared/sources/webhook/tokens.ts';
import { type EventStore, LakeEventStore } from '../../../shared/store/event-store.ts';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { MemoryObjectStore } from '../../helpers/lake.ts';
import { PROD_TOKEN, post } from '../../helpers/webhook-server.ts';

/** A store in memory that takes `delayMs` to store each batch's events. */
function slowStore(delayMs: number): EventStore {
  const inner = new LakeEventStore(new MemoryObjectStore());
  return {
    url: inner.url,
    writeEvents: async (batchKey, events) => {
      await sleep(delayMs);
      return inner.writeEvents(batchKey, events);
    },
    writeQuarantine: (batchKey, records) => inner.writeQuarantine(batchKey, records),
    writeFindings: (batchKey, findings) => inner.writeFindings(batchKey, findings),
  };
}

describe('startWebhookServer', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers a batch whose storing outlasts the request timeout: the timeout bounds receiving, not storing', async () => {
    // Prepare
    const receiver = {
      tokens: new TokenTable({ [PROD_TOKEN]: { cluster_name: 'onprem-prod' } }),
      store: slowStore(600),
      pipeline: {},
      limits: DEFAULT_LIMITS,
      maxBodyBytes: 1024 * 1024,
      now: () => new Date(),
      logError: () => undefined,
    };
    const limits = { headersTimeoutMs: 200, requestTimeoutMs: 200, keepAliveTimeoutMs: 200, maxConnections: 4 };
    server = await startWebhookServer(receiver, { host: '127.0.0.1', port: 0, tls: null, limits, log: () => undefined });

    // Act
    const response = await post(server.url, eventList([auditEvent()]), PROD_TOKEN);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 1, written: 1 });
  });
});
