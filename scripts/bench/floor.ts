/**
 * The floor: the work no forwarder of these payloads can skip — decode the envelope, parse each
 * audit event, serialise it again, gzip the output — and nothing else. kaudit's pipeline is
 * measured against it.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

interface CloudWatchPayload {
  logEvents: { message: string }[];
}

interface EventHubBody {
  records: { properties: { log: string } }[];
}

/** A CloudWatch Logs subscription event: base64 → gunzip → JSON, then each message. */
export function eksFloor(event: { awslogs: { data: string } }): Buffer {
  const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchPayload;
  let output = '';
  for (const logEvent of payload.logEvents) output += `${JSON.stringify(JSON.parse(logEvent.message))}\n`;
  return gzipSync(output);
}

/** Event Hubs message bodies: JSON, then each record's `properties.log`. */
export function aksFloor(bodies: readonly string[]): Buffer {
  let output = '';
  for (const body of bodies) {
    for (const record of (JSON.parse(body) as EventHubBody).records) output += `${JSON.stringify(JSON.parse(record.properties.log))}\n`;
  }
  return gzipSync(output);
}
