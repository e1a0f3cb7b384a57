/**
 * Quarantine details say why a text is not JSON without quoting it: V8's messages quote about ten
 * characters around the error, which may be an unquoted secret value.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { decodeFirehoseRecord } from '../../shared/sources/firehose/decode-firehose-record.ts';
import { DECODER_CONTEXT, eventHubMessages, firehoseRecord, quarantineOf, sourceRecord } from '../helpers/audit-events.ts';

const SECRET = 'Pw-7f3c91d2e8a4b6';
/** A Secret written by hand with its value unquoted: the parse error falls on the value. */
const UNQUOTED = `{"kind":"Secret","data":{"password": ${SECRET}}}`;

/** Every stretch of four characters of the secret. */
function stretchesOf(secret: string): string[] {
  return Array.from({ length: secret.length - 3 }, (_, at) => secret.slice(at, at + 4));
}

describe('quarantine details of text that is not JSON', () => {
  it.each([
    ['CloudWatch subscription data', () => decodeCloudWatchSubscription({ awslogs: { data: gzipSync(UNQUOTED).toString('base64') } }, DECODER_CONTEXT).quarantined[0]?.detail],
    ['an Event Hubs body', () => decodeEventHubMessages(eventHubMessages([UNQUOTED]), DECODER_CONTEXT).quarantined[0]?.detail],
    ['a Firehose record', () => decodeFirehoseRecord(firehoseRecord([UNQUOTED]), DECODER_CONTEXT).quarantined[0]?.detail],
    ['an audit event line', () => quarantineOf(sourceRecord(`{"kind":"Event","stage":"ResponseComplete","requestObject":${UNQUOTED}}`)).detail],
  ])('do not quote the input, from %s', (_name, detailOf) => {
    // Act
    const detail = detailOf() as string;

    // Assess
    expect(stretchesOf(SECRET).filter((stretch) => detail.includes(stretch))).toEqual([]);
    expect(detail).toMatch(/not JSON.*: unexpected a letter at character \d+: expected a JSON value/);
  });
});
