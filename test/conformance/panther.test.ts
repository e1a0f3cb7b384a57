/**
 * Panther's Kubernetes and EKS detection-rule test logs (panther-analysis). Each log is fed to
 * kaudit the way its log type arrives (EKS audit events as log lines, AKS records in an Event Hubs
 * body, GKE logs as the JSON lines they are). Where kaudit writes an event, it must agree with
 * Panther's indicator fields and with the rule's expected result; where it does not, the reason
 * must be one docs/contracts.md#quarantine-reasons gives (only an unusable auditID or stage costs an audit event).
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { STAGES } from '../../shared/schema/vocabulary.ts';
import { decodeAuditLogLines } from '../../shared/sources/audit-log/audit-log.ts';
import { AKS_AUDIT_CATEGORIES } from '../../shared/sources/eventhub/aks-diagnostic-record.ts';
import { decodeEventHubMessages } from '../../shared/sources/eventhub/eventhub-messages.ts';
import { listFixtures, readFixtureJson } from './fixtures.ts';
import { DECODER_CONTEXT, expectSoundRun, type PipelineRun, runPipeline } from './pipeline-run.ts';
import { auditEventOfAksRecord, type Json, specFieldsOf } from './spec-fields.ts';

interface PantherTest {
  rule: string;
  test: string;
  expected: boolean;
  log: Json & { p_log_type?: string; p_any_usernames?: string[]; p_any_ip_addresses?: string[] };
}

const TESTS = listFixtures('panther-analysis').flatMap((file) => {
  const ruleName = (file.split('/').at(-1) as string).replace(/\.tests\.json$/, '');
  return readFixtureJson<PantherTest[]>(file).map((test) => ({ ...test, ruleName, id: `${ruleName}: ${test.test}` }));
});

function runPantherLog(log: PantherTest['log']): PipelineRun {
  if (log.p_log_type === 'Azure.MonitorActivity') return runPipeline([decodeEventHubMessages([{ body: { records: [log] } }], DECODER_CONTEXT)]);
  return runPipeline([decodeAuditLogLines(JSON.stringify(log), DECODER_CONTEXT)]);
}

/** The audit event a log carries, or why it carries none: what kaudit then makes of it. */
function auditEventOf(log: PantherTest['log']): Json | 'not_audit_event' | 'not_audit_category' {
  if (log.p_log_type === 'GCP.AuditLog') return 'not_audit_event';
  if (log.p_log_type === 'Azure.MonitorActivity') return AKS_AUDIT_CATEGORIES.has(log.category as string) ? auditEventOfAksRecord(log) : 'not_audit_category';
  return log;
}

const STAGE_NAMES: readonly string[] = STAGES;

/** What kaudit must make of a log: an event, or the reason it is skipped or quarantined. */
function expectedDisposition(log: PantherTest['log']): 'event' | string {
  const audit = auditEventOf(log);
  if (typeof audit === 'string') return audit;
  const usable = typeof audit.auditID === 'string' && audit.auditID !== '' && STAGE_NAMES.includes(audit.stage as string);
  return usable ? 'event' : 'invalid_event';
}

const RUNS = TESTS.map((test) => ({ ...test, run: runPantherLog(test.log) }));
const WITH_EVENT = RUNS.filter(({ run }) => run.events.length === 1).map((entry) => ({ ...entry, event: entry.run.events[0] as CanonicalEvent }));

/** Rules whose expected result maps onto canonical fields: what a firing log's event must hold. */
const RULE_CONDITIONS: Record<string, { means: string; holds: Partial<Record<keyof CanonicalEvent, unknown>> }> = {
  anonymous_api_access: { means: 'an anonymous principal', holds: { user_type: 'anonymous' } },
  k8s_anonymous_api_access: { means: 'an anonymous principal', holds: { user_type: 'anonymous' } },
  source_ip_multiple_403: { means: 'a 403, a failure', holds: { response_code: 403, outcome: 'failure' } },
  k8s_multiple_403_public_ip: { means: 'a 403, a failure', holds: { response_code: 403, outcome: 'failure' } },
  system_namespace_public_ip: { means: 'a system principal', holds: { user_type: expect.toBeOneOf(['system', 'node', 'service_account']) } },
  k8s_privileged_pod_created: { means: 'a pod created', holds: { verb: 'create', object_resource: 'pods' } },
};
const FIRING = WITH_EVENT.filter(({ expected, ruleName }) => expected && ruleName in RULE_CONDITIONS);

describe('Panther rule test logs', () => {
  it.each(RUNS)('$id: one record, soundly accounted for', ({ run }) => {
    // Assess
    expectSoundRun(run);
    expect(run.summary.received).toBe(1);
  });

  it.each(RUNS)('$id: becomes an event exactly when its audit event has a usable auditID and stage', ({ log, run }) => {
    // Prepare
    const expected = expectedDisposition(log);

    // Act
    const disposition = run.events.length === 1 ? 'event' : (Object.keys(run.summary.reasons)[0] as string);

    // Assess
    expect(disposition).toBe(expected);
  });

  it.each(WITH_EVENT)('$id: carries the fields of its audit event', ({ log, event }) => {
    // Assess
    expect(event).toMatchObject(specFieldsOf(auditEventOf(log) as Json));
  });

  it.each(WITH_EVENT.filter(({ log }) => log.p_any_usernames !== undefined))('$id: names a user Panther indexed', ({ log, event }) => {
    // Assess
    expect(log.p_any_usernames).toContain(event.user_name);
  });

  it.each(WITH_EVENT.filter(({ log }) => log.p_any_ip_addresses !== undefined))('$id: has source IPs Panther indexed', ({ log, event }) => {
    // Assess
    expect(log.p_any_ip_addresses).toEqual(expect.arrayContaining(event.source_ips ?? []));
  });
});

describe('Panther rules that fire, in canonical fields', () => {
  it.each(Object.keys(RULE_CONDITIONS))('%s fires on at least one log kaudit writes as an event', (ruleName) => {
    // Assess
    expect(FIRING.filter((entry) => entry.ruleName === ruleName).length).toBeGreaterThan(0);
  });

  it.each(FIRING.map((entry) => ({ ...entry, means: RULE_CONDITIONS[entry.ruleName]?.means })))('$id: the event is $means', ({ ruleName, event }) => {
    // Assess
    expect(event).toMatchObject(RULE_CONDITIONS[ruleName]?.holds ?? {});
  });
});
