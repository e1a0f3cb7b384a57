import { HttpRequest, InvocationContext } from '@azure/functions';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { azureHttpRequest, functionUrlRequest } from '../../../shared/sources/webhook/host-requests.ts';
import { auditEvent, eventList } from '../../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';

const TOKEN = 'prod-token-5b1f0c9e2d7a4e3f';
const TOKENS = JSON.stringify({ [TOKEN]: { cluster_name: 'onprem-prod', cluster_id: 'dc1/onprem-prod' } });

function functionUrlEvent(body: string, fields: { path?: string; base64?: boolean } = {}): LambdaFunctionURLEvent {
  return {
    rawPath: fields.path ?? '/',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: fields.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: fields.base64 ?? false,
    requestContext: { http: { method: 'POST' }, requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' },
  } as unknown as LambdaFunctionURLEvent;
}

describe('webhook function hosts', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    vi.stubEnv('KAUDIT_STORE_URL', lake.url);
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', TOKENS);
    // Each test's handler reads the settings afresh, as a cold start does.
    vi.resetModules();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await lake.cleanup();
  });

  it('Lambda Function URL: stores a base64 EventList body for the token’s cluster', async () => {
    // Prepare
    const { handler } = await import('../../../functions/webhook/handler.ts');

    // Act
    const result = await handler(functionUrlEvent(JSON.stringify(eventList([auditEvent()])), { base64: true }));

    // Assess
    expect(result).toMatchObject({ statusCode: 200 });
    expect((await readRows(lake.url, 'events/v1/')).map((row) => row.cluster_id)).toEqual(['dc1/onprem-prod']);
  });

  it('Lambda Function URL: answers 413 over KAUDIT_WEBHOOK_MAX_BODY_BYTES', async () => {
    // Prepare
    vi.stubEnv('KAUDIT_WEBHOOK_MAX_BODY_BYTES', '100');
    const { handler } = await import('../../../functions/webhook/handler.ts');

    // Act
    const result = await handler(functionUrlEvent(JSON.stringify(eventList([auditEvent()]))));

    // Assess
    expect(result).toMatchObject({ statusCode: 413 });
  });

  it('Lambda Function URL: fails the cold start without tokens, naming the setting', async () => {
    // Prepare
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', '');
    const { handler } = await import('../../../functions/webhook/handler.ts');

    // Act
    const invocation = handler(functionUrlEvent('{}'));

    // Assess
    await expect(invocation).rejects.toThrow('KAUDIT_WEBHOOK_TOKENS is not set: the webhook receiver would accept no cluster');
  });

  it('Azure Functions HTTP: stores an EventList posted under the catch-all route', async () => {
    // Prepare
    const { webhookHttpHandler } = await import('../../../functions/webhook/azure.ts');
    const request = new HttpRequest({
      method: 'POST',
      url: 'https://kaudit.azurewebsites.net/api/audit',
      headers: { authorization: `Bearer ${TOKEN}` },
      params: { path: 'audit' },
      body: { string: JSON.stringify(eventList([auditEvent()])) },
    });

    // Act
    const response = await webhookHttpHandler(request, new InvocationContext());

    // Assess
    expect(response.status).toBe(200);
    expect((await readRows(lake.url, 'events/v1/')).map((row) => [row.cluster_id, row.source_stream])).toEqual([['dc1/onprem-prod', '/audit']]);
  });

  it('Azure Functions HTTP: is registered only when the app has webhook tokens', async () => {
    // Prepare
    const registered: string[] = [];
    vi.doMock('@azure/functions', async (original) => ({ ...(await original<object>()), app: { http: (name: string) => void registered.push(name) } }));

    // Act
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', '');
    await import('../../../functions/webhook/azure.ts');
    vi.resetModules();
    vi.stubEnv('KAUDIT_WEBHOOK_TOKENS', TOKENS);
    await import('../../../functions/webhook/azure.ts');
    vi.doUnmock('@azure/functions');

    // Assess
    expect(registered).toEqual(['kaudit-webhook']);
  });

  it('Azure Functions HTTP: reads the body only up to the limit', async () => {
    // Prepare
    const request = azureHttpRequest(new HttpRequest({ method: 'POST', url: 'https://kaudit.azurewebsites.net/api/', body: { string: 'x'.repeat(2048) } }));

    // Act
    const body = await request.readBody(1024);

    // Assess
    expect(body).toBeNull();
  });

  it('Lambda Function URL: gives the core the path and the lower-case headers as sent', async () => {
    // Act
    const request = functionUrlRequest(functionUrlEvent('{}', { path: '/audit/prod' }));

    // Assess
    expect([request.method, request.path, request.header('authorization')]).toEqual(['POST', '/audit/prod', `Bearer ${TOKEN}`]);
    expect((await request.readBody(10))?.toString()).toBe('{}');
  });
});
