import { describe, expect, it, vi } from 'vitest';
import { ingestBatch } from '../../shared/pipeline/ingest-batch.ts';
import { buildPipelineOptions, logRuleFailure } from '../../shared/pipeline/pipeline-options.ts';
import { RULE_FAILURE_LOG_FIELD } from '../../shared/runtime/metric-names.ts';
import { FindingSchema } from '../../shared/schema/finding.ts';
import { decodeCloudWatchPayload } from '../../shared/sources/cloudwatch/cloudwatch-payload.ts';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { detectionTransform } from '../../shared/transforms/detection/detection-transform.ts';
import { RuleEvaluationError, RuleSet } from '../../shared/transforms/detection/rule-set.ts';
import { ruleOf, sigmaRuleText } from '../detection/detection-builders.ts';
import { auditEvent, cloudWatchPayload, DECODER_CONTEXT } from '../helpers/audit-events.ts';
import { MemoryObjectStore } from '../helpers/lake.ts';
import { base64, DB_PASSWORD, dbSecret, secretEvent, URL_TOKEN } from '../redaction/secret-events.ts';

const EXEC = auditEvent({
  auditID: '0d5e7f1a-3b2c-4d9e-8f7a-6b5c4d3e2f1a',
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/web-7d4b9c-x2x/exec?command=sh&container=web&stdin=true&tty=true',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-7d4b9c-x2x', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 101 },
});
const LIST_PODS = auditEvent();

const EXEC_RULE = sigmaRuleText({ selection: { verb: 'create', 'objectRef.subresource': 'exec' }, condition: 'selection' });

function lake() {
  const objects = new MemoryObjectStore();
  return { objects, store: new LakeEventStore(objects), findingKeys: () => [...objects.objects.keys()].filter((key) => key.startsWith('findings/v1/')) };
}

async function findingsIn(objects: MemoryObjectStore): Promise<Record<string, unknown>[]> {
  const { gunzipSync } = await import('node:zlib');
  return [...objects.objects]
    .filter(([key]) => key.startsWith('findings/v1/'))
    .flatMap(([, body]) =>
      gunzipSync(body)
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
}

describe('detections in the pipeline', () => {
  it('stores a finding for each rule that fires, under findings/v1/ in the partition of the event', async () => {
    // Prepare
    const { objects, store, findingKeys } = lake();
    const pipeline = await buildPipelineOptions({ rules: EXEC_RULE });
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [EXEC, LIST_PODS] }), DECODER_CONTEXT);

    // Act
    const summary = await ingestBatch(batch, store, pipeline);

    // Assess
    const findings = await findingsIn(objects);
    expect(summary.written).toBe(2);
    expect(findingKeys()).toEqual([`findings/v1/dt=2026-11-20/hour=14/${batch.batchKey}.ndjson.gz`]);
    expect(findings).toHaveLength(1);
    expect(FindingSchema.parse(findings[0])).toMatchObject({
      rule_title: 'Exec Into A Pod',
      verb: 'create',
      object_name: 'web-7d4b9c-x2x',
      level: 'medium',
      mitre_techniques: ['T1609'],
    });
  });

  it('counts the findings in the batch summary when rules ran, and leaves the count out when none did', async () => {
    // Prepare
    const batch = () => decodeCloudWatchPayload(cloudWatchPayload({ events: [EXEC, LIST_PODS] }), DECODER_CONTEXT);

    // Act
    const withRules = await ingestBatch(batch(), lake().store, await buildPipelineOptions({ rules: EXEC_RULE }));
    const withoutRules = await ingestBatch(batch(), lake().store, {});

    // Assess
    expect(withRules.findings).toBe(1);
    expect(withoutRules).not.toHaveProperty('findings');
  });

  it('stores no second copy of a finding when the batch is delivered again', async () => {
    // Prepare
    const { objects, store } = lake();
    const pipeline = await buildPipelineOptions({ rules: EXEC_RULE });
    const payload = cloudWatchPayload({ events: [EXEC] });
    await ingestBatch(decodeCloudWatchPayload(payload, DECODER_CONTEXT), store, pipeline);

    // Act
    await ingestBatch(decodeCloudWatchPayload(payload, { ...DECODER_CONTEXT, ingestTime: '2026-11-20T14:09:31.000Z' }), store, pipeline);

    // Assess
    expect(await findingsIn(objects)).toHaveLength(1);
  });

  it('evaluates rules on the redacted event, so no rule matches and no finding carries a value redaction removed', async () => {
    // Prepare
    const { objects, store } = lake();
    const rules = [
      sigmaRuleText(
        { selection: { 'requestObject.data.password': base64(DB_PASSWORD) }, condition: 'selection' },
        { id: '0e1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b', title: 'Sees The Password' },
      ),
      sigmaRuleText({ selection: { 'objectRef.subresource': 'proxy' }, condition: 'selection' }, { id: '1f2e3d4c-5b6a-4790-8a1b-2c3d4e5f6a7b', title: 'Service Proxy' }),
    ].join('---\n');
    const pipeline = await buildPipelineOptions({ rules });
    const proxied = auditEvent({
      auditID: 'token-in-a-url',
      verb: 'get',
      requestURI: `/api/v1/namespaces/monitoring/services/grafana:3000/proxy/api/dashboards/home?orgId=1&token=${URL_TOKEN}`,
      objectRef: { resource: 'services', subresource: 'proxy', namespace: 'monitoring', name: 'grafana:3000', apiVersion: 'v1' },
    });
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [secretEvent('secret-create', 'create', { requestObject: dbSecret() }), proxied] }), DECODER_CONTEXT);

    // Act
    await ingestBatch(batch, store, pipeline);

    // Assess
    const findings = await findingsIn(objects);
    expect(findings.map((finding) => finding.rule_title)).toEqual(['Service Proxy']);
    expect(JSON.stringify(findings)).not.toContain(URL_TOKEN);
  });

  it('stores the event, and the findings of the other rules, when a rule throws on it', async () => {
    // Prepare
    const { objects, store } = lake();
    const exec = ruleOf({ selection: { verb: 'create' }, condition: 'selection' });
    const broken = {
      ...ruleOf({ selection: { verb: 'create' }, condition: 'selection' }, { id: '2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b', title: 'Broken' }),
      matches: () => {
        throw new TypeError('boom');
      },
    };
    const failures: string[] = [];
    const detector = detectionTransform(new RuleSet([broken, exec]), { onFailure: (failure) => failures.push(failure.rule.id) });
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [EXEC] }), DECODER_CONTEXT);

    // Act
    const summary = await ingestBatch(batch, store, { detector });

    // Assess
    expect(summary.written).toBe(1);
    expect(failures).toEqual(['2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b']);
    expect((await findingsIn(objects)).map((finding) => finding.rule_title)).toEqual(['Exec Into A Pod']);
  });

  it('tells the alert sink of the findings once they are stored', async () => {
    // Prepare
    const { objects, store } = lake();
    const told: string[][] = [];
    const pipeline = {
      ...(await buildPipelineOptions({ rules: EXEC_RULE })),
      onFindingsStored: async (findings: readonly { finding_id: string }[]) => {
        told.push([...objects.objects.keys()].filter((key) => key.startsWith('findings/v1/')));
        told.push(findings.map((finding) => finding.finding_id));
      },
    };
    const batch = decodeCloudWatchPayload(cloudWatchPayload({ events: [EXEC, LIST_PODS] }), DECODER_CONTEXT);

    // Act
    await ingestBatch(batch, store, pipeline);

    // Assess
    const stored = await findingsIn(objects);
    expect(told).toEqual([[`findings/v1/dt=2026-11-20/hour=14/${batch.batchKey}.ndjson.gz`], stored.map((finding) => finding.finding_id)]);
  });

  it('refuses a configuration whose rule does not load, naming the rule and the problem', async () => {
    // Prepare
    const rules = sigmaRuleText({ selection: { 'verb|base64offset': 'create' }, condition: 'selection' });

    // Act
    const building = buildPipelineOptions({ rules });

    // Assess
    await expect(building).rejects.toThrow(/KAUDIT_RULES document 1: .*base64offset/);
  });

  it('refuses approved networks without rules, which would otherwise be silently unused', async () => {
    // Act
    const building = buildPipelineOptions({ approvedNetworks: '{"prod-eu": ["10.20.0.0/16"]}' });

    // Assess
    await expect(building).rejects.toThrow('KAUDIT_APPROVED_NETWORKS is set, but KAUDIT_RULES is not');
  });
});

describe('the log line of a rule that throws', () => {
  it('carries the field the functions’ metric filter counts, and names the rule, not the event’s content', () => {
    // Prepare
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const failure = new RuleEvaluationError(ruleOf({ selection: { verb: 'create' }, condition: 'selection' }), 'event-1', new TypeError('token eyJhbGciOi… is not readable'));

    // Act
    try {
      logRuleFailure(failure);
    } finally {
      spy.mockRestore();
    }

    // Assess
    const line = JSON.parse(written.join('')) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'ERROR', [RULE_FAILURE_LOG_FIELD]: 1, ruleId: '5f0c7c1e-2f4b-4f59-9a51-3d2a1b0c9e77' });
    expect(written.join('')).not.toContain('eyJhbGciOi');
  });
});
