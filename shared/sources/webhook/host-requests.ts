import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { WebhookRequest, WebhookResponse } from './webhook-core.ts';

/**
 * A Lambda Function URL request. The platform has already read the whole body (at most 6 MB), so
 * the limit only decides whether it is accepted.
 */
export function functionUrlRequest(event: LambdaFunctionURLEvent): WebhookRequest {
  const body = event.body === undefined ? Buffer.alloc(0) : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    // Function URLs deliver header names in lower case.
    header: (name) => event.headers[name],
    readBody: async (maxBytes) => (body.length > maxBytes ? null : body),
  };
}

export function functionUrlResult(response: WebhookResponse): LambdaFunctionURLResult {
  return { statusCode: response.status, headers: response.headers, body: response.body };
}

/** An Azure Functions HTTP request to the catch-all route `{*path}`; the body is streamed and read only up to the limit. */
export function azureHttpRequest(request: HttpRequest): WebhookRequest {
  return {
    method: request.method,
    path: `/${request.params.path ?? ''}`,
    header: (name) => request.headers.get(name) ?? undefined,
    readBody: (maxBytes) => readStreamLimited(request.body, maxBytes),
  };
}

export function azureHttpResponse(response: WebhookResponse): HttpResponseInit {
  return { status: response.status, headers: response.headers, body: response.body };
}

async function readStreamLimited(stream: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<Buffer | null> {
  if (stream === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: a body over the limit is not read to its end.
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
