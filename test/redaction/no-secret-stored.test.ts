/**
 * Redaction end to end: events carrying secret values go through the pipeline, as every source
 * delivers them, into a file store; no stored row, event or quarantine record, holds a value.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeInput } from '../../shared/decode/detect-input.ts';
import { DEFAULT_LIMITS } from '../../shared/limits.ts';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { buildPipelineOptions, type PipelineConfig } from '../../shared/pipeline/pipeline-options.ts';
import { REDACTED } from '../../shared/redaction/path-tree.ts';
import { openEventStore } from '../../shared/store/open-store.ts';
import {
  aksRecord,
  auditLogLines,
  cloudWatchPayload,
  cloudWatchSubscriptionEvent,
  eventHubBody,
  eventList,
  INGEST_TIME,
  type AuditEvent,
} from '../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { API_KEY, base64, DB_PASSWORD, dbSecret, eventsCarryingSecrets, ISSUED_TOKEN, REVIEWED_TOKEN, secretEvent, secretsIn } from './secret-events.ts';

/** What the events hold: Secret values written out (stringData) and in base64 (data), tokens as issued. */
const CARRIED = [DB_PASSWORD, base64(DB_PASSWORD), API_KEY, base64(API_KEY), REVIEWED_TOKEN, ISSUED_TOKEN];

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
    return { summaries, events: await readRows(lake.url, 'events/v1/'), quarantine: await readRows(lake.url, 'quarantine/v1/') };
  }

  it('in events from CloudWatch, Event Hubs, webhook EventLists and log files', async () => {
    // Prepare
    const events = eventsCarryingSecrets();
    expect(secretsIn(JSON.stringify(events))).toEqual(CARRIED);

    // Act
    const stored = await ingest(envelopes(events));

    // Assess
    expect(stored.events).toHaveLength(events.length);
    expect(secretsIn(JSON.stringify(stored.events))).toEqual([]);
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
    const payload = cloudWatchPayload({ events: [wrongTypes, cutBeforeId] });

    // Act
    const stored = await ingest([JSON.stringify(cloudWatchSubscriptionEvent(payload))]);

    // Assess
    expect(stored.quarantine.map((row) => row.reason).sort()).toEqual(['invalid_event', 'truncated_unrecoverable']);
    expect(secretsIn(JSON.stringify(stored.quarantine))).toEqual([]);
  });

  it('in fields a user names, for the resources they name', async () => {
    // Prepare
    const configMap = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'payments', namespace: 'shop' }, data: { endpoint: 'https://psp.example.com', apiKey: 'sk-live-4e1b9a7c2d8f03' } };
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
    expect(secretsIn(JSON.stringify(stored.events))).toEqual(CARRIED);
  });
});
