import { base64Bytes } from '../../core/base64.ts';
import { decompress, describeDecompressError, isDecompressLimitError } from '../../core/compression.ts';
import type { DecodedBatch } from '../../core/decoded-batch.ts';
import { safeText } from '../../core/json-text.ts';
import { describeJsonError } from '../../core/partial-json.ts';
import { undecompressedRaw } from '../../core/quarantine.ts';
import { type CloudWatchContext, decodeCloudWatchPayload, invalidPayload } from './cloudwatch-payload.ts';

/**
 * A CloudWatch Logs subscription's Lambda event, `{"awslogs":{"data": base64(gzip(JSON))}}`.
 * Never throws: a payload that can't be decoded becomes one quarantine record.
 */
export function decodeCloudWatchSubscription(event: unknown, context: CloudWatchContext): DecodedBatch {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  const fail = (detail: string, raw: string | null) => invalidPayload(context, detail, raw);
  if (typeof data !== 'string') return fail('expected a CloudWatch Logs subscription event {"awslogs":{"data":"<base64>"}}', safeText(event));
  const bytes = base64Bytes(data);
  if (bytes === null) return fail('awslogs.data is not base64', data);
  let json: string;
  try {
    json = decompress(bytes, context.limits.maxDecodedBytes).toString('utf8');
  } catch (error) {
    const { raw, note } = undecompressedRaw(bytes, context.limits.maxDecodedBytes);
    const detail = `awslogs.data could not be decompressed: ${describeDecompressError(error, context.limits.maxDecodedBytes)}; ${note}`;
    return invalidPayload(context, detail, raw, isDecompressLimitError(error) ? 'limit_exceeded' : 'invalid_payload', data);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return fail(`decompressed awslogs.data is not JSON: ${describeJsonError(json)}`, json);
  }
  return decodeCloudWatchPayload(payload, context);
}
