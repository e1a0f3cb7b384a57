import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../shared/cli/cli-io.ts';
import { UsageError } from '../../shared/cli/cli-io.ts';
import { serveCommand } from '../../shared/cli/commands/serve.ts';
import { auditEvent, eventList } from '../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { LAB_TOKEN, PROD_TOKEN, post, serve, type Serving } from '../helpers/webhook-server.ts';

/** Every event and quarantine record in the store. */
async function storedRows(url: string): Promise<Record<string, unknown>[]> {
  return [...(await readRows(url, 'events/v1/')), ...(await readRows(url, 'quarantine/v1/'))];
}

describe('kaudit serve', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let server: Serving | undefined;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await lake.cleanup();
  });

  it('answers the health check without a token', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);

    // Act
    const response = await fetch(`${server.url}/healthz`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 200 only once the batch is stored, recorded for the token’s cluster', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);
    const body = eventList([auditEvent({ auditID: 'a1' }), auditEvent({ auditID: 'a2' })]);

    // Act
    const response = await post(`${server.url}/audit`, body, PROD_TOKEN);
    const rows = await readRows(lake.url, 'events/v1/');

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: 2, written: 2 });
    expect(rows.map((row) => [row.audit_id, row.cluster_id, row.cluster_name, row.source_type, row.platform, row.source_stream])).toEqual([
      ['a1', 'dc1/onprem-prod', 'onprem-prod', 'webhook', 'self_managed', '/audit'],
      ['a2', 'dc1/onprem-prod', 'onprem-prod', 'webhook', 'self_managed', '/audit'],
    ]);
  });

  it('records each token’s batches for that token’s cluster only', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);

    // Act
    await post(server.url, eventList([auditEvent({ auditID: 'from-lab' })]), LAB_TOKEN);

    // Assess
    const rows = await readRows(lake.url, 'events/v1/');
    expect(rows.map((row) => [row.audit_id, row.cluster_id])).toEqual([['from-lab', 'dc1/onprem-lab']]);
  });

  it('stores a redelivered batch once', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);
    const body = eventList([auditEvent()]);
    await post(server.url, body, PROD_TOKEN);

    // Act
    const again = await post(server.url, body, PROD_TOKEN);

    // Assess
    expect(await again.json()).toMatchObject({ received: 1, written: 0, duplicates: 1 });
    expect(await readRows(lake.url, 'events/v1/')).toHaveLength(1);
  });

  it('answers 401 to a request without a token and stores nothing', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);

    // Act
    const response = await post(server.url, eventList([auditEvent()]), null);

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="kaudit"');
    expect(await storedRows(lake.url)).toEqual([]);
  });

  it('answers 401 to an unknown token and stores nothing', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);

    // Act
    const response = await post(server.url, eventList([auditEvent()]), 'not-a-known-token-at-all');

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'unknown bearer token' });
    expect(await storedRows(lake.url)).toEqual([]);
  });

  it('answers 413 to a body over the limit and stores nothing', async () => {
    // Prepare
    server = await serve(lake.root, lake.url, { KAUDIT_WEBHOOK_MAX_BODY_BYTES: '512' });
    const body = eventList([auditEvent(), auditEvent({ auditID: 'a2' })]);

    // Act
    const response = await post(server.url, body, PROD_TOKEN);

    // Assess
    expect(response.status).toBe(413);
    expect(await storedRows(lake.url)).toEqual([]);
  });

  it('answers 503 when the store fails, so the API server retries', async () => {
    // Prepare: the store's directory is a file, so no object can be created under it.
    const blocked = path.join(lake.root, 'blocked');
    await writeFile(blocked, '');
    server = await serve(lake.root, `file://${blocked}`);

    // Act
    const response = await post(server.url, eventList([auditEvent()]), PROD_TOKEN);

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(server.stderr()).toMatch(/kaudit webhook batch not stored .*"cluster_id":"dc1\/onprem-prod"/);
  });

  it('keeps a body that is not an EventList in quarantine and answers 400', async () => {
    // Prepare
    server = await serve(lake.root, lake.url);

    // Act
    const response = await post(server.url, '{"kind":"Status"}', PROD_TOKEN);

    // Assess
    expect(response.status).toBe(400);
    const quarantined = await readRows(lake.url, 'quarantine/v1/');
    expect(quarantined).toMatchObject([{ reason: 'invalid_payload', raw: '{"kind":"Status"}', cluster_id: 'dc1/onprem-prod', source_type: 'webhook' }]);
  });

  it('exits 0 once stopped', async () => {
    // Prepare
    const running = await serve(lake.root, lake.url);

    // Act
    const exitCode = await running.stop();

    // Assess
    expect(exitCode).toBe(0);
    expect(running.stderr()).toContain('kaudit serve: stopped');
  });

  it('refuses a tokens file with a short token, as a usage error', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'weak.json'), JSON.stringify({ short: { cluster_name: 'c' } }));
    const io: CliIo = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: lake.root };

    // Act
    const running = serveCommand({ port: '0', host: '127.0.0.1', tokens: 'weak.json', store: lake.url }, io, AbortSignal.abort());

    // Assess
    await expect(running).rejects.toThrow(UsageError);
    await expect(running).rejects.toThrow(/weak\.json: expected .*: token 1 has 5 characters: tokens must be at least 16$/);
  });
});
