import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../shared/cli/cli-io.ts';
import { UsageError } from '../../../shared/cli/cli-io.ts';
import { type ServeOptions, serveCommand } from '../../../shared/cli/commands/serve.ts';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { runKaudit } from '../../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';
import { capturedIo, LAB_TOKEN, PROD_TOKEN, post, type Serving, serve } from '../../helpers/webhook-server.ts';

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

  it('stores every item of an EventList longer than the per-batch record limit before answering 200, and stores nothing new on a resend', async () => {
    // Prepare
    server = await serve(lake.root, lake.url, { KAUDIT_MAX_RECORDS_PER_BATCH: '1000' });
    const body = eventList(Array.from({ length: 2_501 }, (_, index) => auditEvent({ auditID: `item-${index}` })));

    // Act
    const first = await post(server.url, body, PROD_TOKEN);
    const resent = await post(server.url, body, PROD_TOKEN);

    // Assess
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: 2_501, written: 2_501, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
    expect(await resent.json()).toEqual({ received: 2_501, written: 0, duplicates: 2_501, skipped: 0, quarantined: 0, reasons: {} });
    const rows = await storedRows(lake.url);
    expect(rows).toHaveLength(2_501);
    expect(new Set(rows.map((row) => row.audit_id)).size).toBe(2_501);
  });

  it('listens on 127.0.0.1 unless told otherwise', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'tokens.json'), JSON.stringify({ [PROD_TOKEN]: { cluster_name: 'onprem-prod' } }));
    const { io, stderr } = capturedIo(lake.root);

    // Act: stopped as soon as it listens.
    await serveCommand({ port: '0', tokens: 'tokens.json', store: lake.url }, io, AbortSignal.abort());

    // Assess
    expect(stderr()).toMatch(/kaudit serve: listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect(stderr()).not.toContain('warning');
  });

  it('warns when it listens beyond the loopback address without TLS', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'tokens.json'), JSON.stringify({ [PROD_TOKEN]: { cluster_name: 'onprem-prod' } }));
    const { io, stderr } = capturedIo(lake.root);

    // Act: stopped as soon as it listens.
    await serveCommand({ port: '0', host: '0.0.0.0', tokens: 'tokens.json', store: lake.url }, io, AbortSignal.abort());

    // Assess
    expect(stderr()).toContain(
      'kaudit serve: warning: 0.0.0.0 is reachable from other hosts and this is plain HTTP: bearer tokens and audit events cross the network in clear text; give --tls-cert and --tls-key, or put a TLS-terminating proxy in front',
    );
  });

  it.each<[string, Partial<ServeOptions>, string]>([
    ['a timeout that is not a number', { headerTimeout: 'ten' }, '--header-timeout: expected a positive number of seconds, got "ten"'],
    ['a timeout of zero', { requestTimeout: '0' }, '--request-timeout: expected a positive number of seconds, got "0"'],
    ['a negative timeout', { keepAliveTimeout: '-5' }, '--keep-alive-timeout: expected a positive number of seconds, got "-5"'],
    ['a header timeout longer than the request timeout', { headerTimeout: '40', requestTimeout: '30' }, '--header-timeout (40 s) must not exceed --request-timeout (30 s)'],
    ['a connection cap of zero', { maxConnections: '0' }, '--max-connections: expected a positive whole number, got "0"'],
    ['a fractional connection cap', { maxConnections: '2.5' }, '--max-connections: expected a positive whole number, got "2.5"'],
  ])('refuses %s as a usage error', async (_name, options, message) => {
    // Act
    const running = serveCommand({ port: '0', tokens: 'tokens.json', store: lake.url, ...options }, capturedIo(lake.root).io, AbortSignal.abort());

    // Assess
    await expect(running).rejects.toThrow(new UsageError(message));
  });

  it('shows examples and the defaults in its help', async () => {
    // Act
    const run = await runKaudit(['serve', '--help'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--tls-cert /etc/kaudit/tls.crt --tls-key /etc/kaudit/tls.key');
    expect(run.stdout).toMatch(/--host <address>[\s\S]*\(default: "127\.0\.0\.1"\)/);
    expect(run.stdout).toMatch(/--max-connections <n>[\s\S]*\(default: "64"\)/);
  });
});
