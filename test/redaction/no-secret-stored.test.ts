/**
 * Redaction end to end: events carrying secret values go through the pipeline, as every source
 * delivers them, into a file store; no stored byte, of an event or a quarantine record, holds a
 * value, written out or in base64, nor does any base64 stored inflate to one.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DecodedBatch } from '../../shared/core/decoded-batch.ts';
import type { IngestSummary } from '../../shared/core/ingest-summary.ts';
import { DEFAULT_LIMITS } from '../../shared/core/limits.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { buildPipelineOptions, type PipelineConfig } from '../../shared/pipeline/pipeline-options.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { decodeFirehoseRecord } from '../../shared/sources/firehose/decode-firehose-record.ts';
import { decodeInput } from '../../shared/sources/input-formats.ts';
import { openEventStore } from '../../shared/store/open-store.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import {
  type AuditEvent,
  aksRecord,
  auditEvent,
  auditLogLines,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  DECODER_CONTEXT,
  eventHubBody,
  eventHubMessages,
  eventList,
  firehoseRecord,
  INGEST_TIME,
} from '../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import {
  API_KEY,
  admissionPatchAnnotation,
  base64,
  DB_PASSWORD,
  dbSecret,
  eventsCarryingSecrets,
  INJECTED_PASSWORD,
  ISSUED_TOKEN,
  injectingPatch,
  REVIEWED_TOKEN,
  secretEvent,
  secretsIn,
  URL_TOKEN,
} from './secret-events.ts';
import { storedText } from './stored-bytes.ts';

/** What the events hold: Secret values written out (stringData) and in base64 (data), tokens as issued. */
const CARRIED = [DB_PASSWORD, base64(DB_PASSWORD), API_KEY, base64(API_KEY), REVIEWED_TOKEN, ISSUED_TOKEN, base64(INJECTED_PASSWORD), URL_TOKEN];

/** Each envelope kaudit reads, holding some of the events. */
function envelopes(events: AuditEvent[]): string[] {
  return [
    JSON.stringify(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: events.slice(0, 3) }))),
    JSON.stringify(eventHubBody(events.slice(3, 6).map((event) => aksRecord(event)))),
    JSON.stringify(eventList(events.slice(6, 8))),
    auditLogLines(events.slice(8)),
  ];
}

describe('no secret value reaches the store', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    lake = await temporaryFileStore();
  });
  afterEach(() => lake.cleanup());

  async function ingest(inputs: string[], config: PipelineConfig = {}) {
    const store = await openEventStore(lake.url);
    const pipeline = await buildPipelineOptions(config);
    const summaries = [];
    for (const [index, input] of inputs.entries()) {
      const decoded = decodeInput(Buffer.from(input), {
        name: `input-${index}`,
        region: 'eu-west-1',
        clusterName: 'onprem-dc1',
        clusterId: 'onprem-dc1',
        ingestTime: INGEST_TIME,
        limits: DEFAULT_LIMITS,
      });
      if ('error' in decoded) throw new Error(decoded.error);
      for (const batch of decoded.batches) summaries.push(await ingestBatch(batch, store, pipeline));
    }
    return stored(summaries);
  }

  /** Batches decoded by the caller, as the functions decode what their platforms deliver. */
  async function ingestBatches(batches: DecodedBatch[], config: PipelineConfig = {}) {
    const store = await openEventStore(lake.url);
    const pipeline = await buildPipelineOptions(config);
    const summaries = [];
    for (const batch of batches) summaries.push(await ingestBatch(batch, store, pipeline));
    return stored(summaries);
  }

  async function stored(summaries: IngestSummary[]) {
    return { summaries, events: await readRows(lake.url, 'events/v1/'), quarantine: await readRows(lake.url, 'quarantine/v1/'), bytes: await storedText(lake.root) };
  }

  it('in events from CloudWatch, Event Hubs, webhook EventLists and log files', async () => {
    // Prepare
    const events = eventsCarryingSecrets();
    expect(secretsIn(JSON.stringify(events))).toEqual(CARRIED);

    // Act
    const stored = await ingest(envelopes(events));

    // Assess
    expect(stored.events).toHaveLength(events.length);
    expect(secretsIn(stored.bytes)).toEqual([]);
    expect(JSON.stringify(stored.events)).toContain(REDACTED);
  });

  it('while keeping the keys, so analysts see which fields there were', async () => {
    // Prepare
    const events = eventsCarryingSecrets();

    // Act
    const stored = await ingest(envelopes(events));

    // Assess
    const created = stored.events.find((row) => row.audit_id === 'secret-create');
    expect(created?.request_object).toMatchObject({ data: { password: REDACTED, 'api-key': REDACTED }, type: 'Opaque', metadata: { name: 'db-credentials' } });
  });

  it('with raw_sha256 still the hash of the text the source sent', async () => {
    // Prepare
    const event = secretEvent('secret-get', 'get', { responseObject: dbSecret() });
    const line = JSON.stringify(event);

    // Act
    const stored = await ingest([`${line}\n`]);

    // Assess
    expect(stored.events[0]?.raw_sha256).toBe(createHash('sha256').update(line).digest('hex'));
  });

  it('in events rebuilt from text cut short inside a Secret', async () => {
    // Prepare
    const text = JSON.stringify(secretEvent('secret-cut', 'get', { responseObject: dbSecret() }));
    const cut = text.slice(0, text.lastIndexOf('"password"') + 16);
    const payload = cloudWatchPayload({ events: [`${cut}[Truncated...]`] });

    // Act
    const stored = await ingest([JSON.stringify(cloudWatchSubscriptionEvent(payload))]);

    // Assess
    expect(stored.events).toEqual([expect.objectContaining({ audit_id: 'secret-cut', is_truncated: true })]);
    expect(secretsIn(JSON.stringify(stored.events))).toEqual([]);
  });

  it('in quarantine records of Secret events that could not be read', async () => {
    // Prepare
    const wrongTypes = { ...secretEvent('ignored', 'create', { requestObject: dbSecret() }), auditID: 42 };
    const { auditID: _, ...withoutId } = secretEvent('lost', 'get', { responseObject: dbSecret() });
    const idLast = JSON.stringify({ ...withoutId, auditID: 'secret-id-last' });
    const cutBeforeId = idLast.slice(0, idLast.indexOf('"data":{') + 30);
    const mutated = { ...secretEvent('mutated', 'create', { annotations: admissionPatchAnnotation(injectingPatch()) }), stage: 'Sent' };
    const payload = cloudWatchPayload({ events: [wrongTypes, cutBeforeId, mutated] });

    // Act
    const stored = await ingest([JSON.stringify(cloudWatchSubscriptionEvent(payload))]);

    // Assess
    expect(stored.quarantine.map((row) => row.reason).sort()).toEqual(['invalid_event', 'invalid_event', 'truncated_unrecoverable']);
    expect(secretsIn(stored.bytes)).toEqual([]);
  });

  it('in quarantine records of lines that hold events back to back, or after a prefix', async () => {
    // Prepare
    const patch = JSON.stringify(secretEvent('json-patch', 'patch', { requestObject: [{ op: 'add', path: '/data/api-key', value: base64(API_KEY) }] }));
    const created = JSON.stringify(secretEvent('created', 'create', { requestObject: dbSecret() }));
    const lines = [`${JSON.stringify(auditEvent())}${patch}`, `2026-11-20T14:03:07.412135000Z stdout F ${created}`];

    // Act
    const stored = await ingest([`${lines.join('\n')}\n`]);

    // Assess
    expect(stored.quarantine.map((row) => row.reason)).toEqual(['invalid_json', 'invalid_json']);
    expect(secretsIn(stored.bytes)).toEqual([]);
    expect(stored.quarantine.map((row) => JSON.stringify(row.raw))).toEqual([expect.stringContaining('json-patch'), expect.stringContaining('stdout F {')]);
  });

  it('in quarantine records of compressed payloads cut short', async () => {
    // Prepare
    const events = eventsCarryingSecrets();
    const cut = (text: string) => {
      const compressed = gzipSync(text);
      return compressed.subarray(0, compressed.length - 40);
    };
    const subscription = { awslogs: { data: cut(JSON.stringify(cloudWatchPayload({ events: events.slice(0, 6) }))).toString('base64') } };
    const firehose = {
      ...firehoseRecord([cloudWatchPayload({ events: events.slice(6) })]),
      data: cut(JSON.stringify(cloudWatchPayload({ events: events.slice(6) }))).toString('base64'),
    };
    const eventHub = cut(JSON.stringify(eventHubBody(events.map((event) => aksRecord(event)))));

    // Act
    const stored = await ingestBatches([
      decodeCloudWatchSubscription(subscription, DECODER_CONTEXT),
      decodeFirehoseRecord(firehose, DECODER_CONTEXT),
      decodeEventHubMessages(eventHubMessages([eventHub]), DECODER_CONTEXT),
    ]);

    // Assess
    expect(stored.quarantine).toHaveLength(3);
    expect(secretsIn(stored.bytes)).toEqual([]);
    expect(stored.quarantine.map((row) => row.detail)).toEqual(Array.from({ length: 3 }, () => expect.stringContaining('raw is the text the data inflates to before that point')));
  });

  it('in ConfigMap credentials and ExternalSecret templates when those extras are asked for', async () => {
    // Prepare
    const configMap = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'payments', namespace: 'shop' },
      data: { endpoint: 'https://psp.example.com', 'db-password': DB_PASSWORD },
    };
    const externalSecret = {
      kind: 'ExternalSecret',
      apiVersion: 'external-secrets.io/v1',
      metadata: { name: 'psp', namespace: 'shop' },
      spec: { target: { template: { data: { 'api-key': API_KEY, url: '{{ .url }}' } } }, data: [{ secretKey: 'url', remoteRef: { key: '/psp/url' } }] },
    };
    const events = [
      secretEvent('configmap-create', 'create', {
        requestURI: '/api/v1/namespaces/shop/configmaps',
        objectRef: { resource: 'configmaps', namespace: 'shop', apiVersion: 'v1' },
        requestObject: configMap,
      }),
      secretEvent('external-secret-create', 'create', {
        requestURI: '/apis/external-secrets.io/v1/namespaces/shop/externalsecrets',
        objectRef: { resource: 'externalsecrets', apiGroup: 'external-secrets.io', namespace: 'shop', apiVersion: 'v1' },
        requestObject: externalSecret,
      }),
    ];

    // Act
    const byDefault = await ingest([auditLogLines(events)]);
    await lake.cleanup();
    lake = await temporaryFileStore();
    const asked = await ingest([auditLogLines(events)], { redactionExtras: 'configmap-passwords,external-secrets' });

    // Assess
    expect(secretsIn(byDefault.bytes)).toEqual([DB_PASSWORD, API_KEY]);
    expect(secretsIn(asked.bytes)).toEqual([]);
    expect(asked.events.map((row) => row.request_object)).toMatchObject([
      { data: { endpoint: 'https://psp.example.com', 'db-password': REDACTED } },
      { spec: { target: { template: { data: { 'api-key': REDACTED, url: REDACTED } } } } },
    ]);
  });

  it('in fields a user names, for the resources they name', async () => {
    // Prepare
    const configMap = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'payments', namespace: 'shop' },
      data: { endpoint: 'https://psp.example.com', apiKey: 'sk-live-4e1b9a7c2d8f03' },
    };
    const event = secretEvent('configmap-get', 'get', {
      requestURI: '/api/v1/namespaces/shop/configmaps/payments',
      objectRef: { resource: 'configmaps', namespace: 'shop', name: 'payments', apiVersion: 'v1' },
      responseObject: configMap,
    });
    const redactionPaths = '- resources: [configmaps]\n  paths: [data.apiKey]\n';

    // Act
    const stored = await ingest([auditLogLines([event])], { redactionPaths });

    // Assess
    expect(stored.events[0]?.response_object).toEqual({ ...configMap, data: { endpoint: 'https://psp.example.com', apiKey: REDACTED } });
  });

  it('unless redaction is switched off', async () => {
    // Prepare
    const events = eventsCarryingSecrets();

    // Act
    const stored = await ingest(envelopes(events), { redaction: 'off' });

    // Assess
    expect(secretsIn(stored.bytes)).toEqual(expect.arrayContaining(CARRIED));
  });
});
