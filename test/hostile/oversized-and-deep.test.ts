/**
 * Records too large or too deep to handle: a 10 MB single line and JSON nested 100,000 levels,
 * through every envelope. Each is quarantined with its reason; none crashes or stalls a batch.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import { DEFAULT_LIMITS, MAX_JSON_DEPTH } from '../../shared/core/limits.ts';
import { QUARANTINE_RAW_LIMIT } from '../../shared/core/quarantine.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import type { QuarantineRecord } from '../../shared/schema/quarantine-record.ts';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { LAST_APPLIED_ANNOTATION } from '../../shared/transforms/redaction/redaction-rules.ts';
import { aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, DECODER_CONTEXT, eventHubMessages } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { MemoryObjectStore, temporaryFileStore } from '../helpers/lake.ts';
import { eksFunction, testRuntime } from '../reliability/helpers/platforms.ts';

const context = { ...DECODER_CONTEXT, clusterName: 'onprem-dc1' };
const TEN_MB = 10 * 1024 * 1024;
const DEPTH = 100_000;

/** An audit event whose text is `size` characters, most of them in requestObject. */
function eventOfSize(size: number, auditID = 'big'): string {
  const head = JSON.stringify(auditEvent({ auditID, requestObject: { data: '' } }));
  return head.replace('"data":""', `"data":"${'x'.repeat(size - head.length)}"`);
}

/** An audit event whose requestObject nests DEPTH objects deep, as text. */
const DEEP_EVENT = JSON.stringify(auditEvent({ auditID: 'deep', requestObject: 0 })).replace('"requestObject":0', `"requestObject":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`);
const DEEP_ARRAY = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
/** A Secret's data nesting DEPTH objects deep, as text: what a redaction walking it whole would recurse through. */
const DEEP_DATA = `{"data":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`;

/** The parts of a stored event the annotation tests read. */
interface EventRow {
  annotations: Record<string, string>;
  request_object: { metadata: { annotations: Record<string, string> } };
}

/** The events an object store holds. */
async function storedEvents(objects: MemoryObjectStore): Promise<unknown[]> {
  const keys = [...objects.objects.keys()].filter((key) => key.startsWith('events/'));
  return keys.flatMap((key) =>
    gunzipSync(objects.objects.get(key) as Buffer)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown),
  );
}

/** Decodes, normalizes and stores; returns the stored quarantine records and the summary. */
async function throughPipeline(batch: DecodedBatch) {
  const objects = new MemoryObjectStore();
  const summary = await ingestBatch(batch, new LakeEventStore(objects));
  const quarantined: QuarantineRecord[] = [];
  for (const [key, body] of objects.objects) {
    if (!key.startsWith('quarantine/')) continue;
    for (const line of gunzipSync(body).toString('utf8').split('\n')) if (line) quarantined.push(JSON.parse(line) as QuarantineRecord);
  }
  return { summary, quarantined };
}

describe('a 10 MB single audit event', () => {
  const LINE = eventOfSize(TEN_MB);
  const tooBig = expect.stringMatching(
    new RegExp(`${TEN_MB} characters(,)? (exceeds|over) the event size limit of ${DEFAULT_LIMITS.maxEventBytes} \\(raw cut to ${QUARANTINE_RAW_LIMIT} of ${TEN_MB} characters\\)$`),
  );

  it.each<[string, () => DecodedBatch]>([
    ['in an audit log', () => decodeAuditLogLines(`${LINE}\n${JSON.stringify(auditEvent())}\n`, context)],
    ['in a CloudWatch subscription event', () => decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [LINE, auditEvent()] })), context)],
    ['in an AKS record', () => decodeEventHubMessages(eventHubMessages([JSON.stringify({ records: [aksRecord(LINE), aksRecord(auditEvent())] })]), context)],
  ])('%s is quarantined as limit_exceeded with the first MiB kept, and the rest of the batch stored', async (_name, decode) => {
    // Act
    const { summary, quarantined } = await throughPipeline(decode());

    // Assess
    expect(summary).toMatchObject({ received: 2, written: 1, quarantined: 1, reasons: { limit_exceeded: 1 } });
    expect(quarantined).toMatchObject([{ reason: 'limit_exceeded', detail: tooBig }]);
    expect(quarantined[0]?.raw).toBe(LINE.slice(0, QUARANTINE_RAW_LIMIT));
  });

  it('is stored whole when the event size limit is raised above it', async () => {
    // Act
    const { summary } = await throughPipeline(decodeAuditLogLines(LINE, { ...context, limits: { ...DEFAULT_LIMITS, maxEventBytes: 16 * 1024 * 1024 } }));

    // Assess
    expect(summary).toMatchObject({ received: 1, written: 1 });
  });

  it('reaches kaudit ingest as one line of a log file: exit 1, the event quarantined, the other stored', async () => {
    // Prepare
    const directory = await temporaryFileStore();
    await writeFile(path.join(directory.root, 'audit.log'), `${LINE}\n${JSON.stringify(auditEvent())}\n`);

    try {
      // Act
      const run = await runKaudit(['ingest', '--store', `${directory.url}/lake`, '--json', 'audit.log'], { cwd: directory.root });

      // Assess
      expect(run.exitCode).toBe(1);
      expect(JSON.parse(run.stdout)).toEqual({ received: 2, written: 1, duplicates: 0, skipped: 0, quarantined: 1, reasons: { limit_exceeded: 1 } });
    } finally {
      await directory.cleanup();
    }
  });
});

describe(`JSON nested ${DEPTH.toLocaleString('en')} levels deep`, () => {
  const tooDeep = `JSON nested more than ${MAX_JSON_DEPTH} levels deep`;

  it.each<[string, () => DecodedBatch]>([
    ['in the requestObject of an audit log line', () => decodeAuditLogLines(DEEP_EVENT, context)],
    ['as a whole audit log line', () => decodeAuditLogLines(DEEP_ARRAY, context)],
    ['in the requestObject of a CloudWatch log event', () => decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [DEEP_EVENT] })), context)],
    ['in the properties.log text of an AKS record', () => decodeEventHubMessages(eventHubMessages([JSON.stringify({ records: [aksRecord(DEEP_EVENT)] })]), context)],
    [
      'as the properties.log object of an AKS record',
      () => decodeEventHubMessages(eventHubMessages([JSON.stringify({ records: [aksRecord('{}')] }).replace('"log":"{}"', `"log":${DEEP_EVENT}`)]), context),
    ],
  ])('%s is quarantined as limit_exceeded, keeping the text', async (_name, decode) => {
    // Act
    const { summary, quarantined } = await throughPipeline(decode());

    // Assess
    expect(summary).toMatchObject({ received: 1, quarantined: 1, reasons: { limit_exceeded: 1 } });
    expect(quarantined).toMatchObject([{ reason: 'limit_exceeded', detail: tooDeep }]);
    expect(quarantined[0]?.raw?.length).toBeGreaterThan(DEPTH);
  });

  it.each<[string, () => DecodedBatch]>([
    ['an Event Hubs body', () => decodeEventHubMessages(eventHubMessages([DEEP_ARRAY]), context)],
    ['the logEvents of a CloudWatch payload', () => decodeCloudWatchPayload({ ...cloudWatchPayload({ events: [] }), logEvents: JSON.parse(`[${DEEP_ARRAY}]`) }, context)],
  ])('as %s is quarantined whole with its text', async (_name, decode) => {
    // Act
    const { summary, quarantined } = await throughPipeline(decode());

    // Assess
    expect(summary).toMatchObject({ received: 1, quarantined: 1 });
    expect(quarantined[0]?.raw?.length).toBeGreaterThanOrEqual(DEPTH);
  });

  it('in a CloudWatch log event reaching the EKS function (redaction on) is quarantined, not a batch that fails every retry', async () => {
    // Prepare
    const objects = new MemoryObjectStore();
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [DEEP_EVENT, auditEvent()] })) as unknown as CloudWatchLogsEvent;

    // Act
    const summary = await eksFunction(testRuntime(objects, 'eu-west-1'))(event, { awsRequestId: 'deep' } as Context);

    // Assess
    expect(summary).toMatchObject({ received: 2, written: 1, quarantined: 1, reasons: { limit_exceeded: 1 } });
  });

  it.each([
    [
      'kubectl’s last-applied annotation of a Secret',
      { requestObject: { kind: 'Secret', metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: DEEP_DATA } } } },
      (row: EventRow) => row.request_object.metadata.annotations[LAST_APPLIED_ANNOTATION],
    ],
    [
      'a webhook patch annotation',
      { annotations: { 'patch.webhook.admission.k8s.io/round_0_index_0': `{"patch":[{"op":"add","path":"/data","value":${DEEP_DATA}}]}` } },
      (row: EventRow) => row.annotations['patch.webhook.admission.k8s.io/round_0_index_0'],
    ],
  ])('as the JSON text of %s is replaced whole by redaction, not a batch that fails every retry', async (_name, fields, annotationOf) => {
    // Prepare
    const objects = new MemoryObjectStore();
    const secret = auditEvent({
      auditID: 'deep-annotation',
      level: 'Request',
      verb: 'create',
      requestURI: '/api/v1/namespaces/shop/secrets',
      objectRef: { resource: 'secrets', namespace: 'shop', apiVersion: 'v1' },
      ...fields,
    });
    const event = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [secret] })) as unknown as CloudWatchLogsEvent;

    // Act
    const summary = await eksFunction(testRuntime(objects, 'eu-west-1'))(event, { awsRequestId: 'deep-annotation' } as Context);

    // Assess
    expect(summary).toMatchObject({ received: 1, written: 1 });
    const [row] = await storedEvents(objects);
    expect(annotationOf(row as EventRow)).toBe(REDACTED);
  });

  it('as a pretty-printed single audit event given to kaudit ingest is quarantined, not a crash', async () => {
    // Prepare
    const directory = await temporaryFileStore();
    await writeFile(path.join(directory.root, 'event.json'), DEEP_EVENT.replace('{', '{\n  '));

    try {
      // Act
      const run = await runKaudit(['ingest', '--store', `${directory.url}/lake`, '--cluster', 'onprem-dc1', '--json', 'event.json'], { cwd: directory.root });

      // Assess
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ received: 1, quarantined: 1, reasons: { limit_exceeded: 1 } });
    } finally {
      await directory.cleanup();
    }
  });
});
