/**
 * AKS diagnostic records from Sysdig, Elastic and Sumo Logic: each becomes an `aks` event placed
 * in the subscription, resource group and cluster its upper-cased resourceId names (lower-cased,
 * docs/contracts.md#canonical-event), with the category and time of the record and the fields of the audit event it carries.
 */
import { describe, expect, it } from 'vitest';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { readFixtureJson, readFixtureLines } from './fixtures.ts';
import { DECODER_CONTEXT, eventOf, expectSoundRun, type PipelineRun, runFixture, runPipeline } from './pipeline-run.ts';
import { auditEventOfAksRecord, expectCarries, type Json } from './spec-fields.ts';

interface AksSource {
  source: string;
  /** The diagnostic records the fixture holds. */
  records: Json[];
  run: PipelineRun;
}

const SUMOLOGIC = 'sumologic-documentation/aks-sumologic-samples.json';
const VARIANT = 'elastic-integrations/kubernetes-audit_logs/variant-0b97ab02/test-audit.log';

/** A fixture `kaudit ingest` reads as it is. */
const ingested = (source: string, records: Json[]): AksSource => ({ source, records, run: runFixture(source) });
const sumologicRecords = readFixtureJson<Json[]>(SUMOLOGIC);

const SOURCES: AksSource[] = [
  // A single record, as the receiver logs it; the file starts with a UTF-8 byte-order mark.
  ingested('sysdig-aks-audit-log/sample_EventHubs_event.json', [readFixtureJson<Json>('sysdig-aks-audit-log/sample_EventHubs_event.json')]),
  ingested('sysdig-aks-audit-log/event.json', readFixtureJson<{ records: Json[] }>('sysdig-aks-audit-log/event.json').records),
  ingested('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log', [readFixtureJson<Json>('elastic-integrations/kubernetes-audit_logs/test-kube-audit.log')]),
  // Its 5th line, among audit event lines, is a kube-audit-admin record whose properties.log is an object.
  ingested(
    VARIANT,
    readFixtureLines(VARIANT)
      .map((line) => JSON.parse(line) as Json)
      .filter((line) => 'category' in line),
  ),
  // Sumo Logic documents the records one by one; an Event Hubs message carries them as `records`.
  { source: SUMOLOGIC, records: sumologicRecords, run: runPipeline([decodeEventHubMessages([{ body: { records: sumologicRecords } }], DECODER_CONTEXT)]) },
];

const RECORDS = SOURCES.flatMap(({ source, records, run }) =>
  records.map((record, index) => ({ id: `${source} record ${index}`, record, audit: auditEventOfAksRecord(record), run })),
);

/** The AKS event for an audit event (the variant file's self-managed lines reuse the same auditID). */
const aksEventFor = (run: PipelineRun, audit: Json) =>
  eventOf(
    run.events.filter((event) => event.platform === 'aks'),
    audit,
  );

/** Subscription, resource group and cluster: segments 2, 4 and 8 of `/SUBSCRIPTIONS/…/MANAGEDCLUSTERS/<name>`. */
function resourceIdParts(resourceId: string) {
  const segments = resourceId.split('/');
  return { subscription: segments[2], resourceGroup: segments[4], cluster: segments[8] };
}

describe('AKS diagnostic records', () => {
  it.each(SOURCES)('$source: every record is accounted for', ({ records, run }) => {
    // Assess
    expectSoundRun(run);
    expect(run.events.filter((event) => event.platform === 'aks')).toHaveLength(records.length);
  });

  it.each(RECORDS)('$id: is placed where its resourceId says, lower-cased', ({ record, audit, run }) => {
    // Prepare
    const resourceId = record.resourceId as string;
    const { subscription, resourceGroup, cluster } = resourceIdParts(resourceId);

    // Act
    const event = aksEventFor(run, audit);

    // Assess
    expect(event).toMatchObject({
      platform: 'aks',
      cloud_provider: 'azure',
      source_type: 'eventhub',
      cloud_account_id: subscription?.toLowerCase(),
      azure_resource_group: resourceGroup?.toLowerCase(),
      cluster_name: cluster?.toLowerCase(),
      cluster_id: resourceId.toLowerCase(),
    });
  });

  it.each(RECORDS)('$id: keeps the category and time of the record', ({ record, audit, run }) => {
    // Act
    const event = aksEventFor(run, audit);

    // Assess
    expect(event.source_category).toBe(record.category);
    expect(event.source_time).toBe(record.time);
  });

  it.each(RECORDS)('$id: carries the fields of the audit event in properties.log', ({ audit, run }) => {
    // Act
    const event = aksEventFor(run, audit);

    // Assess
    expectCarries(event, audit);
  });
});

describe('AKS principals', () => {
  // docs/contracts.md#user-type names AKS's control-plane identities, which lack the system: prefix, as system principals.
  const MANAGED_SYSTEM_USERS = ['aksService', 'masterclient', 'nodeclient'];
  const managed = RECORDS.filter(({ audit }) => MANAGED_SYSTEM_USERS.includes((audit.user as Json).username as string));
  const serviceAccounts = RECORDS.filter(({ audit }) => ((audit.user as Json).username as string).startsWith('system:serviceaccount:'));

  it.each(managed)('$id: the managed identity is a system principal', ({ audit, run }) => {
    // Act
    const event = aksEventFor(run, audit);

    // Assess
    expect(event.user_type).toBe('system');
  });

  it.each(serviceAccounts)('$id: the service account is named by namespace and name', ({ audit, run }) => {
    // Prepare
    const [namespace, name] = ((audit.user as Json).username as string).split(':').slice(2);

    // Act
    const event = aksEventFor(run, audit);

    // Assess
    expect(event).toMatchObject({ user_type: 'service_account', sa_namespace: namespace, sa_name: name });
  });
});
