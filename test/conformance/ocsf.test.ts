/**
 * OCSF's published EKS audit mappings (ocsf/examples): the raw EKS event through kaudit must name
 * the same actor, operation, target, source and times that the OCSF API Activity output records.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { readFixtureJsonAllowingTrailingCommas } from './fixtures.ts';
import { expectSoundRun, runFixture } from './pipeline-run.ts';

interface OcsfApiActivity {
  actor: { user: { name: string; uid: string; groups: { name: string }[] }; session: { credential_uid: string; issuer: string; uid: string } };
  api: { operation: string; request: { uid: string }; response: { code: number }; version: string };
  cloud: { account: { uid: string } };
  http_request: { url: { path: string }; user_agent: string };
  message: string;
  metadata: { log_level: string };
  resources: { name: string; type: string; namespace?: string | null }[];
  src_endpoint: { ip: string };
  time: number;
  start_time_dt: string;
  unmapped: Record<string, unknown>;
}

const SAMPLES = [
  { mapping: 'bloblang v1.2.0', raw: 'ocsf-examples/bloblang-AWS-eks-v1.2.0/eks.json', ocsf: 'ocsf-examples/bloblang-AWS-eks-v1.2.0/ocsf_eks.json', timeUnit: 'µs' },
  {
    mapping: 'markdown v1.1.0',
    raw: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.raw',
    ocsf: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.ocsf',
    timeUnit: 'ms',
  },
  // Upstream publishes the v1.5.0 output beside the same raw event (PROVENANCE.md).
  {
    mapping: 'markdown v1.5.0',
    raw: 'ocsf-examples/markdown-AWS-v1.1.0-EKS-Audit-Logs/eks.raw',
    ocsf: 'ocsf-examples/markdown-AWS-v1.5.0-EKS-Audit-Logs/eks.ocsf',
    timeUnit: 'ms',
  },
] as const;

/** Epoch time of a canonical timestamp in the unit an OCSF output wrote (the spec says ms; the Bloblang mapping wrote µs). */
function epochIn(unit: 'µs' | 'ms', iso: string): number {
  const fraction = /\.(\d+)Z$/.exec(iso)?.[1] ?? '';
  const micros = Math.floor(Date.parse(iso) / 1000) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
  return unit === 'µs' ? micros : Math.floor(micros / 1000);
}

/** The annotations an OCSF output left unmapped: a map (v1.2.0) or flattened `annotations.<key>` entries (v1.1.0). */
function unmappedAnnotations(ocsf: OcsfApiActivity): Record<string, unknown> | null {
  if (typeof ocsf.unmapped.annotations === 'object') return ocsf.unmapped.annotations as Record<string, unknown>;
  const flattened = Object.entries(ocsf.unmapped).filter(([key]) => key.startsWith('annotations.'));
  return flattened.length > 0 ? Object.fromEntries(flattened.map(([key, value]) => [key.slice('annotations.'.length), value])) : null;
}

/** OCSF `*_dt` strings: ISO, or `YYYY-MM-DD HH:MM:SS.ffffff[+00:00]` in UTC. */
function ocsfDateMillis(dt: string): number {
  return Date.parse(/(?:[zZ]|[+-]\d\d:\d\d)$/.test(dt) ? dt : `${dt}Z`);
}

describe.each(SAMPLES)('OCSF $mapping mapping of the EKS node-registration event', ({ raw, ocsf: ocsfFile, timeUnit }) => {
  const ocsf = readFixtureJsonAllowingTrailingCommas<OcsfApiActivity>(ocsfFile);
  const run = runFixture(raw);
  const event = run.events[0] as CanonicalEvent;

  it('yields exactly one sound event', () => {
    // Assess
    expectSoundRun(run);
    expect(run.events).toHaveLength(1);
  });

  it('names the actor OCSF names: user, uid, groups', () => {
    // Assess
    expect(event.user_name).toBe(ocsf.actor.user.name);
    expect(event.user_uid).toBe(ocsf.actor.user.uid);
    expect(event.user_groups).toEqual(ocsf.actor.user.groups.map((group) => group.name));
  });

  it('finds the AWS session OCSF finds: canonical role ARN, session name, access key', () => {
    // Assess
    expect(event.cloud_principal_arn).toBe(ocsf.actor.session.issuer);
    expect(event.cloud_session_name).toBe(ocsf.actor.session.uid);
    expect(event.cloud_access_key_id).toBe(ocsf.actor.session.credential_uid);
  });

  it('keeps the STS ARN OCSF puts in cloud.account.uid in user_extra, leaving cloud_account_id to the CloudWatch owner', () => {
    // Assess
    expect(event.user_extra?.arn).toEqual([ocsf.cloud.account.uid]);
    // docs/contracts.md#provenance: cloud_account_id is the CloudWatch `owner`; a bare event file has none.
    expect(event.cloud_account_id).toBeNull();
  });

  it('records the operation OCSF records: audit id, verb, stage, level, response code', () => {
    // Assess
    expect(event.audit_id).toBe(ocsf.api.request.uid);
    expect(event.verb).toBe(ocsf.api.operation);
    expect(event.stage).toBe(ocsf.message);
    expect(event.level).toBe(ocsf.metadata.log_level);
    expect(event.response_code).toBe(ocsf.api.response.code);
  });

  it('targets the resource OCSF targets: type, name, namespace, API version', () => {
    // Prepare
    const [resource] = ocsf.resources;

    // Assess
    expect(event.object_resource).toBe(resource?.type);
    expect(event.object_name).toBe(resource?.name);
    expect(event.object_namespace).toBe(resource?.namespace ?? null);
    expect(event.object_api_version).toBe(ocsf.api.version);
  });

  it('sees the request OCSF sees: source IP, URL path, user agent', () => {
    // Assess
    expect(event.src_ip).toBe(ocsf.src_endpoint.ip);
    expect(event.request_uri).toBe(ocsf.http_request.url.path);
    expect(event.user_agent).toBe(ocsf.http_request.user_agent);
  });

  it(`dates the event as OCSF does, to the ${timeUnit}`, () => {
    // Assess
    expect(epochIn(timeUnit, event.time)).toBe(ocsf.time);
    expect(Date.parse(event.start_time as string)).toBe(ocsfDateMillis(ocsf.start_time_dt));
  });
});

// The v1.5.0 output drops the annotations, so only the other two can be compared.
const ANNOTATED = SAMPLES.map((sample) => ({ ...sample, annotations: unmappedAnnotations(readFixtureJsonAllowingTrailingCommas<OcsfApiActivity>(sample.ocsf)) })).filter(
  (sample) => sample.annotations !== null,
);

describe.each(ANNOTATED)('OCSF $mapping mapping, unmapped annotations', ({ raw, annotations }) => {
  it('are the annotations kaudit keeps, keys verbatim, and give the authorization decision', () => {
    // Act
    const [event] = runFixture(raw).events;

    // Assess
    expect(event?.annotations).toEqual(annotations);
    expect(event?.authz_decision).toBe(annotations?.['authorization.k8s.io/decision']);
  });
});
