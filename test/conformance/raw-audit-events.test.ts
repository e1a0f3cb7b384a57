/**
 * Bare audit.k8s.io events as the log backend writes them: Falco's k8s_audit trace files
 * (audit.k8s.io/v1beta1, one per line) and Sysdig's pretty-printed RequestResponse sample. With no
 * expected output beside them, kaudit's events are checked against the events' own fields (docs/contracts.md#canonical-event)
 * and against what the trace files' names state.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { listFixtures, readFixtureLines, readFixtureText } from './fixtures.ts';
import { eventOf, expectSoundRun, runFixture } from './pipeline-run.ts';
import { expectCarries, type Json } from './spec-fields.ts';

/** Falco's fuzzing regression `{"kind":0}` is refused as a whole; inventory.test.ts checks that. */
const FALCO_TRACES = listFixtures('falco-k8s-audit').filter((file) => !file.endsWith('/fal_01_003.json'));
const SYSDIG_SAMPLE = 'sysdig-aks-audit-log/sample_KubeAuditLog_event.json';

/** The audit events of a file: one JSON document, or one per line. */
function auditEventsOf(file: string): Json[] {
  try {
    return [JSON.parse(readFixtureText(file)) as Json];
  } catch {
    return readFixtureLines(file).map((line) => JSON.parse(line) as Json);
  }
}

const FILES = [...FALCO_TRACES, SYSDIG_SAMPLE].map((file) => ({ file, audits: auditEventsOf(file), run: runFixture(file) }));
const EVENTS = FILES.flatMap(({ file, audits, run }) => audits.map((audit, index) => ({ id: `${file} #${index}`, audit, run })));

describe('raw audit event files', () => {
  it.each(FILES)('$file: one sound event per audit event, nothing quarantined', ({ audits, run }) => {
    // Assess
    expectSoundRun(run);
    expect(run.events).toHaveLength(audits.length);
    expect(run.quarantined).toEqual([]);
  });

  it.each(EVENTS)('$id: carries the fields of its audit event', ({ audit, run }) => {
    // Act
    const event = eventOf(run.events, audit);

    // Assess
    expectCarries(event, audit);
  });

  it.each(EVENTS)('$id: is a self-managed event: a bare audit event names no cloud or cluster', ({ audit, run }) => {
    // Act
    const event = eventOf(run.events, audit);

    // Assess
    expect(event).toMatchObject({ platform: 'self_managed', cloud_provider: 'none', cluster_name: null, source_type: 'file' });
  });
});

describe('what Falco trace file names state', () => {
  const STATED: { file: string; states: Partial<CanonicalEvent> }[] = [
    { file: 'anonymous_creates_namespace_foo.json', states: { user_type: 'anonymous', verb: 'create', object_resource: 'namespaces', object_name: 'foo' } },
    { file: 'delete_namespace_foo.json', states: { verb: 'delete', object_resource: 'namespaces', object_name: 'foo' } },
    { file: 'create_kube_system_secret.json', states: { verb: 'create', object_resource: 'secrets', object_namespace: 'kube-system' } },
    { file: 'exec_pod.json', states: { object_resource: 'pods', object_subresource: 'exec' } },
    { file: 'attach_pod.json', states: { object_resource: 'pods', object_subresource: 'attach' } },
  ];

  it.each(STATED)('$file', ({ file, states }) => {
    // Act
    const run = runFixture(`falco-k8s-audit/${file}`);

    // Assess
    expect(run.events).toEqual([expect.objectContaining(states)]);
  });
});
