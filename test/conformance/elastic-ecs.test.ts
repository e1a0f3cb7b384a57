/**
 * Elastic's pipeline tests (elastic/integrations aws.eks_audit and kubernetes.audit_logs): each
 * expected ECS document is the output for one input line (`event.original`). kaudit, fed the same
 * line the way each integration receives it, must find the same values wherever ECS and docs/contracts.md mean
 * the same thing; where they differ on purpose, the contract's value is asserted and the line says why.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { decodeCloudWatchSubscription } from '../../shared/sources/cloudwatch/subscription-envelope.ts';
import { cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { readFixtureJson, readFixtureLines } from './fixtures.ts';
import { DECODER_CONTEXT, decodeData, expectSoundRun, runFixture, runPipeline } from './pipeline-run.ts';
import { type Json, object } from './spec-fields.ts';

/** A dotted path into an ECS document, or undefined. */
function at(document: unknown, dottedPath: string): unknown {
  return dottedPath.split('.').reduce<unknown>((value, key) => (value as Json | undefined)?.[key], document);
}

interface ExpectedSet {
  expected: string;
  input: string;
  /** Where the pipeline keeps its copy of the audit event. */
  auditPath: 'aws.eks.audit' | 'kubernetes.audit';
}

/**
 * The canonical fields an ECS document states: top-level ECS fields where the pipeline sets them,
 * else the pipeline's copy of the audit event. Absent in ECS means null in kaudit.
 */
function expectedFromEcs(document: Json, auditPath: ExpectedSet['auditPath']): Partial<CanonicalEvent> {
  const audit = object(at(document, auditPath)) ?? {};
  const objectRef = object(audit.objectRef);
  const status = object(audit.responseStatus);
  const annotations = object(audit.annotations);
  const sourceIps = at(document, 'source.ip') as string[] | undefined;
  return {
    audit_id: (at(document, 'event.id') ?? audit.auditID) as string,
    stage: audit.stage as CanonicalEvent['stage'],
    level: (audit.level ?? null) as CanonicalEvent['level'],
    verb: (at(document, 'event.action') ?? null) as string | null,
    request_uri: (audit.requestURI ?? null) as string | null,
    // kaudit keeps the source's timestamps; both pipelines copy them unchanged into the audit object.
    time: audit.stageTimestamp as string,
    start_time: (audit.requestReceivedTimestamp ?? null) as string | null,
    user_name: (at(document, 'user.name') ?? null) as string | null,
    user_uid: (at(document, 'user.id') ?? null) as string | null,
    user_groups: (at(document, 'user.group.name') ?? object(audit.user)?.groups ?? null) as string[] | null,
    impersonated_user_name: (at(document, 'user.effective.name') ?? object(audit.impersonatedUser)?.username ?? null) as string | null,
    impersonated_user_groups: (at(document, 'user.effective.group.name') ?? object(audit.impersonatedUser)?.groups ?? null) as string[] | null,
    source_ips: sourceIps ?? null,
    // ECS keeps every sourceIPs entry in source.ip; kaudit's src_ip (docs/contracts.md#source-ip) is the first.
    src_ip: sourceIps?.[0] ?? null,
    user_agent: (at(document, 'user_agent.original') ?? null) as string | null,
    object_resource: (at(document, 'orchestrator.resource.type') ?? null) as string | null,
    object_name: (at(document, 'orchestrator.resource.name') ?? null) as string | null,
    object_namespace: (at(document, 'orchestrator.namespace') ?? null) as string | null,
    object_subresource: (objectRef?.subresource ?? null) as string | null,
    // kaudit writes the core group `core` whenever objectRef is present; ECS omits it beside a dropped mistyped resource, and for "".
    object_api_group: objectRef ? ((objectRef.apiGroup ?? 'core') as string) : null,
    // ECS's orchestrator.api_version falls back to the Event's own apiVersion; kaudit's is objectRef.apiVersion only.
    object_api_version: (objectRef?.apiVersion ?? null) as string | null,
    response_code: (status?.code ?? null) as number | null,
    response_status: (status?.status ?? null) as string | null,
    response_reason: (status?.reason ?? null) as string | null,
    // ECS rewrites the dots of annotation keys to underscores.
    authz_decision: (annotations?.['authorization_k8s_io/decision'] ?? null) as CanonicalEvent['authz_decision'],
    authz_reason: (annotations?.['authorization_k8s_io/reason'] ?? null) as string | null,
  };
}

function documentsOf(set: ExpectedSet): { set: ExpectedSet; document: Json; line: string; id: string }[] {
  const lines = readFixtureLines(set.input);
  return readFixtureJson<{ expected: Json[] }>(set.expected).expected.map((document, index) => ({
    set,
    document,
    line: lines[index] as string,
    id: `${set.expected.split('/').at(-1)} #${index} ${String(at(document, 'event.id') ?? '')}`,
  }));
}

const EKS_SETS: ExpectedSet[] = ['test-eks-audit.log', 'test-eks-audit-arn.log', 'test-eks-audit-no-preserve.log'].map((input) => ({
  expected: `elastic-integrations/aws-eks_audit/${input}-expected.json`,
  input: `elastic-integrations/aws-eks_audit/${input}`,
  auditPath: 'aws.eks.audit',
}));

const EKS_DOCUMENTS = EKS_SETS.flatMap(documentsOf);

/**
 * Elastic's aws-cloudwatch input reads the line from a log group and stream that the test's config
 * names in aws.cloudwatch.*: kaudit gets it the same way, as a CloudWatch Logs subscription delivers it.
 */
function eksEventOf(document: Json, line: string) {
  const payload = {
    messageType: 'DATA_MESSAGE',
    logGroup: at(document, 'aws.cloudwatch.log_group'),
    logStream: at(document, 'aws.cloudwatch.log_stream'),
    subscriptionFilters: ['kaudit'],
    logEvents: [{ id: '0', timestamp: Date.parse(at(document, 'aws.cloudwatch.ingestion_time') as string), message: line }],
  };
  const region = at(document, 'cloud.region') as string;
  const run = runPipeline([decodeCloudWatchSubscription(cloudWatchSubscriptionEvent(payload), { ...DECODER_CONTEXT, region })]);
  return { run, event: run.events[0] as CanonicalEvent };
}

describe('Elastic aws.eks_audit expected documents', () => {
  it.each(EKS_DOCUMENTS)('$id: is the output for its input line', ({ document, line }) => {
    // Assess
    expect(at(document, 'event.original')).toBe(line);
  });

  it.each(EKS_DOCUMENTS)('$id: kaudit finds what ECS found', ({ set, document, line }) => {
    // Act
    const { run, event } = eksEventOf(document, line);

    // Assess
    expectSoundRun(run);
    expect(run.events).toHaveLength(1);
    expect(event).toMatchObject(expectedFromEcs(document, set.auditPath));
    // ECS keeps milliseconds in event.end; kaudit keeps the source's precision.
    expect(Date.parse(event.time)).toBe(Date.parse(at(document, 'event.end') as string));
  });

  it.each(EKS_DOCUMENTS.filter(({ document }) => at(document, 'event.outcome') !== undefined))('$id: agrees on the outcome', ({ document, line }) => {
    // Act
    const { event } = eksEventOf(document, line);

    // Assess
    expect(event.outcome).toBe(at(document, 'event.outcome'));
  });

  it.each(EKS_DOCUMENTS)('$id: places the event in the cluster, account, region and stream ECS derived', ({ document, line }) => {
    // Prepare
    const clusterName = at(document, 'aws.eks.cluster.name') as string;
    const region = at(document, 'cloud.region') as string;
    const account = (at(document, 'cloud.account.id') ?? null) as string | null;

    // Act
    const { event } = eksEventOf(document, line);

    // Assess
    expect(event).toMatchObject({
      platform: 'eks',
      cloud_provider: at(document, 'cloud.provider'),
      cluster_name: clusterName,
      cloud_region: region,
      cloud_account_id: account,
      // kaudit's cluster id (docs/contracts.md#provenance) needs the account, which only the log group ARN gives these tests.
      cluster_id: account === null ? null : `arn:aws:eks:${region}:${account}:cluster/${clusterName}`,
      source_stream: at(document, 'log.file.path'),
    });
    expect(event.cluster_name).toBe(at(document, 'orchestrator.cluster.name'));
  });

  it.each(EKS_DOCUMENTS.filter(({ document }) => object(at(document, 'aws.eks.audit.user'))?.extra !== undefined))(
    '$id: keeps user.extra keys verbatim where ECS rewrites their dots',
    ({ document, line }) => {
      // Prepare
      const ecsKeys = Object.keys(object(at(document, 'aws.eks.audit.user.extra')) ?? {});

      // Act
      const { event } = eksEventOf(document, line);

      // Assess
      expect(Object.keys(event.user_extra ?? {}).map((key) => key.replaceAll('.', '_'))).toEqual(ecsKeys);
    },
  );
});

describe('Elastic kubernetes.audit_logs expected documents', () => {
  const SETS: ExpectedSet[] = ['test-audit.log', 'test-kube-audit.log'].map((input) => ({
    expected: `elastic-integrations/kubernetes-audit_logs/${input}-expected.json`,
    input: `elastic-integrations/kubernetes-audit_logs/${input}`,
    auditPath: 'kubernetes.audit',
  }));
  const isGkeRecord = (line: string) => 'protoPayload' in (JSON.parse(line) as Json);
  const documents = SETS.flatMap(documentsOf);
  const auditDocuments = documents.filter(({ line }) => !isGkeRecord(line));

  it.each(documents)('$id: is the output for its input line', ({ document, line }) => {
    // Assess
    expect(at(document, 'event.original')).toBe(line);
  });

  /** One line, read as `kaudit ingest` reads a file holding just that line. */
  function runLine(line: string, set: ExpectedSet) {
    const run = runPipeline(decodeData(Buffer.from(line), set.input).batches);
    expectSoundRun(run);
    expect(run.events).toHaveLength(1);
    return run.events[0] as CanonicalEvent;
  }

  it.each(auditDocuments)('$id: kaudit finds what ECS found', ({ document, line, set }) => {
    // Act
    const event = runLine(line, set);

    // Assess
    expect(event).toMatchObject(expectedFromEcs(document, set.auditPath));
  });

  it.each(auditDocuments)('$id: agrees on the outcome', ({ document, line, set }) => {
    // Act
    const event = runLine(line, set);

    // Assess
    expect(event.outcome).toBe(at(document, 'event.outcome'));
  });

  it('quarantines the GKE Cloud Audit Log line ECS also maps: GKE is no kaudit platform (platforms: eks, aks, self_managed)', () => {
    // Prepare
    const input = 'elastic-integrations/kubernetes-audit_logs/test-audit.log';
    const gkeLines = readFixtureLines(input).filter(isGkeRecord);

    // Act
    const run = runFixture(input);

    // Assess
    expect(run.quarantined.map((record) => [record.reason, record.raw])).toEqual(gkeLines.map((line) => ['not_audit_event', line]));
  });

  it('counts the repeated line of test-audit.log once: the same audit event has the same event_id', () => {
    // Prepare
    const input = 'elastic-integrations/kubernetes-audit_logs/test-audit.log';
    const lines = readFixtureLines(input);
    const repeats = lines.length - new Set(lines).size;

    // Act
    const run = runFixture(input);

    // Assess
    expectSoundRun(run);
    expect(repeats).toBeGreaterThan(0);
    expect(run.summary.duplicates).toBe(repeats);
  });
});
