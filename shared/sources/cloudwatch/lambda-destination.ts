/**
 * What Lambda sends to an asynchronous invocation's on-failure destination (SQS, SNS, EventBridge,
 * another function) once its retries are exhausted: the original event under `requestPayload`.
 *
 * ```json
 * {"version": "1.0", "timestamp": "…",
 *  "requestContext": {"requestId": "…", "functionArn": "arn:aws:lambda:eu-west-1:…:function:…",
 *                     "condition": "RetriesExhausted", "approximateInvokeCount": 3},
 *  "requestPayload": {"awslogs": {"data": "…"}},
 *  "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
 *  "responsePayload": {"errorType": "…", "errorMessage": "…"}}
 * ```
 */
export interface LambdaDestinationRecord {
  requestPayload: unknown;
  /** The region of the function, from its ARN: where the payload's log group is. */
  region: string | null;
}

const FUNCTION_ARN_REGION = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):/;

/** Whether a parsed JSON document has the shape of a Lambda destination record. */
export function isLambdaDestinationRecord(document: unknown): boolean {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return false;
  const { requestContext } = document as Record<string, unknown>;
  return Object.hasOwn(document, 'requestPayload') && typeof requestContext === 'object' && requestContext !== null;
}

/** The parts of a destination record kaudit uses; null when the document is not one. */
export function readLambdaDestinationRecord(document: unknown): LambdaDestinationRecord | null {
  if (!isLambdaDestinationRecord(document)) return null;
  const { requestPayload, requestContext } = document as Record<string, unknown>;
  const context = requestContext as Record<string, unknown>;
  const functionArn = typeof context.functionArn === 'string' ? context.functionArn : '';
  return {
    requestPayload,
    region: FUNCTION_ARN_REGION.exec(functionArn)?.[1] ?? null,
  };
}
