import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody, fixtureEvent, fixtureText } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';

const EKS_EVENTS = [fixtureEvent('eks/sso-admin-get-aws-auth.json'), fixtureEvent('eks/iam-user-forbidden-list-secrets.json')];

describe('kaudit ingest', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const write = async (name: string, content: unknown) => {
    await writeFile(path.join(lake.root, name), typeof content === 'string' ? content : JSON.stringify(content));
    return name;
  };
  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
  });
  afterEach(() => lake.cleanup());

  it('prints --json as one line with exactly received, written, duplicates, skipped, quarantined and reasons', async () => {
    // Prepare
    const input = await write('eks.json', cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EKS_EVENTS })));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', '--json', input], { cwd: lake.root });

    // Assess
    expect(run.stdout).toBe('{"received":2,"written":2,"duplicates":0,"skipped":0,"quarantined":0,"reasons":{}}\n');
    expect(run.exitCode).toBe(0);
  });

  it('prints a one-line summary without --json', async () => {
    // Prepare
    const input = await write('eks.json', cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EKS_EVENTS })));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', input], { cwd: lake.root });

    // Assess
    expect(run.stdout).toBe('2 received: 2 written, 0 duplicates, 0 skipped, 0 quarantined\n');
  });

  it('exits 0 when records are only skipped by design', async () => {
    // Prepare
    const input = await write(
      'authenticator.json',
      cloudWatchPayload({ logStream: 'authenticator-6d4c1a0b2e3f4a5b6c7d8e9f0a1b2c3d', events: ['time="2026-11-20T09:14:02Z" level=info msg="access granted"'] }),
    );

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', '--json', input], { cwd: lake.root });

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 1, skipped: 1, reasons: { not_audit_stream: 1 } });
    expect(run.exitCode).toBe(0);
  });

  it('exits 1 when something was quarantined, having stored the rest', async () => {
    // Prepare
    const input = await write('aks.json', eventHubBody([aksRecord(fixtureEvent('aks/masterclient-list-nodes.json')), aksRecord('E1120 10:00:06.118 audit log line garbled\n')]));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--json', input], { cwd: lake.root });

    // Assess
    expect(JSON.parse(run.stdout)).toEqual({ received: 2, written: 1, duplicates: 0, skipped: 0, quarantined: 1, reasons: { invalid_json: 1 } });
    expect(run.exitCode).toBe(1);
    expect(await readRows(storeUrl, 'quarantine/')).toMatchObject([{ reason: 'invalid_json', raw: 'E1120 10:00:06.118 audit log line garbled\n' }]);
  });

  it('counts a second ingest of the same input as duplicates', async () => {
    // Prepare
    const input = await write('audit.log', fixtureText('self-managed/kube-apiserver-audit.log'));
    await runKaudit(['ingest', '--store', storeUrl, '--cluster', 'onprem-dc1', input], { cwd: lake.root });

    // Act
    const again = await runKaudit(['ingest', '--store', storeUrl, '--cluster', 'onprem-dc1', '--json', input], { cwd: lake.root });

    // Assess
    expect(JSON.parse(again.stdout)).toMatchObject({ received: 3, written: 0, duplicates: 3 });
    expect(again.exitCode).toBe(0);
  });

  it('reads - from stdin', async () => {
    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--json', '-'], { cwd: lake.root, stdin: fixtureText('self-managed/kube-apiserver-audit.log') });

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 3, written: 3 });
    expect(await readRows(storeUrl, 'events/')).toMatchObject([{ source_stream: '-' }, { source_stream: '-' }, { source_stream: '-' }]);
  });

  it('adds up the summaries of several inputs', async () => {
    // Prepare
    const eks = await write('eks.json', cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EKS_EVENTS })));
    const aks = await write('aks.json', eventHubBody([aksRecord(fixtureEvent('aks/aks-service-get-configmap.json'))]));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', '--json', eks, aks], { cwd: lake.root });

    // Assess
    expect(JSON.parse(run.stdout)).toEqual({ received: 3, written: 3, duplicates: 0, skipped: 0, quarantined: 0, reasons: {} });
  });

  it('takes the region of EKS input from AWS_REGION when --region is not given', async () => {
    // Prepare
    const input = await write('eks.json', cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EKS_EVENTS })));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, input], { cwd: lake.root, env: { AWS_REGION: 'us-east-2' } });

    // Assess
    expect(run.exitCode).toBe(0);
    expect((await readRows(storeUrl, 'events/'))[0]).toMatchObject({ cluster_id: 'arn:aws:eks:us-east-2:123456789012:cluster/prod-eu' });
  });

  it('stores into KAUDIT_STORE_URL when no --store is given', async () => {
    // Prepare
    const input = await write('audit.log', fixtureText('self-managed/kube-apiserver-audit.log'));

    // Act
    await runKaudit(['ingest', input], { cwd: lake.root, env: { KAUDIT_STORE_URL: storeUrl } });

    // Assess
    expect(await readRows(storeUrl, 'events/')).toHaveLength(3);
  });

  it('stores into ./kaudit-data of the working directory by default', async () => {
    // Prepare
    const input = await write('audit.log', fixtureText('self-managed/kube-apiserver-audit.log'));

    // Act
    await runKaudit(['ingest', input], { cwd: lake.root });

    // Assess
    expect(await readRows(`file://${path.join(lake.root, 'kaudit-data')}`, 'events/')).toHaveLength(3);
  });

  it.each([
    ['a missing file', ['missing.json'], 'kaudit: missing.json: cannot read: ENOENT\n'],
    ['unrecognised input', ['pod.json'], /^kaudit: pod\.json: unrecognised JSON: expected a CloudWatch Logs subscription event/],
    ['EKS input without a region', ['eks.json'], /^kaudit: eks\.json: EKS input needs --region/],
  ])('exits 2 on %s with a one-line message naming the input', async (_name, args, message) => {
    // Prepare
    await write('pod.json', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0' } });
    await write('eks.json', cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EKS_EVENTS })));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, ...args], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });

  it('stores nothing when one of several inputs cannot be read', async () => {
    // Prepare
    const good = await write('audit.log', fixtureText('self-managed/kube-apiserver-audit.log'));

    // Act
    const run = await runKaudit(['ingest', '--store', storeUrl, good, 'missing.json'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(await readRows(storeUrl, 'events/')).toEqual([]);
  });

  it.each([
    ['an unknown option', ['ingest', '--frobnicate', 'x.json'], "error: unknown option '--frobnicate'"],
    ['no input', ['ingest'], "error: missing required argument 'inputs'"],
    ['an unknown command', ['ingets', 'x.json'], "error: unknown command 'ingets'"],
  ])('exits 2 on %s', async (_name, args, message) => {
    // Act
    const run = await runKaudit(args, { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('names self-managed events after --cluster', async () => {
    // Prepare
    const input = await write('audit.log', `${JSON.stringify(auditEvent())}\n`);

    // Act
    await runKaudit(['ingest', '--store', storeUrl, '--cluster', 'onprem-dc1', input], { cwd: lake.root });

    // Assess
    expect(await readRows(storeUrl, 'events/')).toMatchObject([
      { platform: 'self_managed', cluster_name: 'onprem-dc1', cluster_id: 'onprem-dc1', source_type: 'file', source_stream: path.join(lake.root, 'audit.log') },
    ]);
  });
});

describe('kaudit --help', () => {
  it.each([
    [[], 'Usage: kaudit [options] [command]'],
    [['ingest'], 'Usage: kaudit ingest [options] <inputs...>'],
    [['query'], 'Usage: kaudit query [options] <sql>'],
  ])('prints the usage of kaudit %j and exits 0', async (command, usage) => {
    // Act
    const run = await runKaudit([...command, '--help'], { cwd: '/' });

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(usage);
  });
});
