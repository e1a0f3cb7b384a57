import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aksRecord, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody, fixtureEvent } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

const FORBIDDEN_DELETE = fixtureEvent('aks/aad-user-forbidden-delete-namespace.json');

describe('kaudit query', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const query = (sql: string, ...options: string[]) => runKaudit(['query', '--store', storeUrl, ...options, sql], { cwd: lake.root });

  beforeAll(async () => {
    // An EKS batch, and one AKS event sent in both kube-audit and kube-audit-admin (two batches, two stored copies).
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
    const inputs = {
      'eks.json': cloudWatchSubscriptionEvent(
        cloudWatchPayload({ events: [fixtureEvent('eks/sso-admin-get-aws-auth.json'), fixtureEvent('eks/iam-user-forbidden-list-secrets.json')] }),
      ),
      'kube-audit.json': eventHubBody([aksRecord(FORBIDDEN_DELETE, { category: 'kube-audit' }), aksRecord('E1120 10:00:06.118 audit log line garbled\n')]),
      'kube-audit-admin.json': eventHubBody([aksRecord(FORBIDDEN_DELETE, { category: 'kube-audit-admin' })]),
    };
    for (const [name, content] of Object.entries(inputs)) await writeFile(path.join(lake.root, name), JSON.stringify(content));
    const ingest = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', ...Object.keys(inputs)], { cwd: lake.root });
    expect(ingest.exitCode).toBe(1);
  });
  afterAll(() => lake.cleanup());

  it('prints one JSON object per row with --format json', async () => {
    // Act
    const run = await query("SELECT platform, user_name, response_code FROM events WHERE outcome = 'failure' ORDER BY platform", '--format', 'json');

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      '{"platform":"aks","user_name":"sam.lindqvist@contoso.com","response_code":403}\n' +
        '{"platform":"eks","user_name":"arn:aws:iam::123456789012:user/ci-deployer","response_code":403}\n',
    );
  });

  it('prints RFC 4180 CSV with a header row with --format csv', async () => {
    // Act
    const run = await query("SELECT verb, authz_reason FROM events WHERE platform = 'eks' ORDER BY verb", '--format', 'csv');

    // Assess
    expect(run.stdout.split('\r\n')).toEqual([
      'verb,authz_reason',
      'get,"EKS Access Policy: allowed by ClusterRoleBinding ""arn:aws:iam::123456789012:role/AWSReservedSSO_PlatformAdmin_4f8a2c1d9e3b7a60+arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"" of ClusterRole ""arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"" to User ""maria.garcia@example.com"""',
      'list,',
      '',
    ]);
  });

  it('prints an aligned table with a row count by default', async () => {
    // Act
    const run = await query('SELECT platform, count(*) AS events FROM events GROUP BY platform ORDER BY platform');

    // Assess
    expect(run.stdout).toBe('platform  events\n--------  ------\naks       1\neks       2\n(2 rows)\n');
  });

  it('shows an event stored twice once in events and twice in events_all', async () => {
    // Act
    const run = await query(
      `SELECT (SELECT count(*) FROM events WHERE audit_id = '${FORBIDDEN_DELETE.auditID}') AS events,
              (SELECT count(*) FROM events_all WHERE audit_id = '${FORBIDDEN_DELETE.auditID}') AS events_all`,
      '--format',
      'json',
    );

    // Assess
    expect(JSON.parse(run.stdout)).toEqual({ events: 1, events_all: 2 });
  });

  it('shows quarantine records in the quarantine view', async () => {
    // Act
    const run = await query('SELECT reason, raw, cluster_name, source_category FROM quarantine', '--format', 'json');

    // Assess
    expect(JSON.parse(run.stdout)).toEqual({
      reason: 'invalid_json',
      raw: 'E1120 10:00:06.118 audit log line garbled\n',
      cluster_name: 'aks-weu-prod',
      source_category: 'kube-audit-admin',
    });
  });

  it('reads JSON columns back as JSON', async () => {
    // Act
    const run = await query("SELECT user_groups, annotations FROM events WHERE platform = 'aks'", '--format', 'json');

    // Assess
    expect(JSON.parse(run.stdout)).toEqual({ user_groups: (FORBIDDEN_DELETE.user as { groups: string[] }).groups, annotations: FORBIDDEN_DELETE.annotations });
  });

  it('queries KAUDIT_STORE_URL when no --store is given', async () => {
    // Act
    const run = await runKaudit(['query', '--format', 'json', 'SELECT count(*) AS n FROM events'], { cwd: lake.root, env: { KAUDIT_STORE_URL: storeUrl } });

    // Assess
    expect(run.stdout).toBe('{"n":3}\n');
  });

  it('shows empty views over an empty store', async () => {
    // Act
    const run = await runKaudit(['query', '--format', 'json', 'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM quarantine) AS quarantine'], {
      cwd: lake.root,
    });

    // Assess
    expect(run.stdout).toBe('{"events":0,"quarantine":0}\n');
  });

  it('exits 2 with the first line of the error when the SQL fails', async () => {
    // Act
    const run = await query('SELECT no_such_column FROM events');

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^kaudit: query failed: Binder Error: .*no_such_column.*\n$/);
  });

  it('exits 2 on an unknown --format', async () => {
    // Act
    const run = await query('SELECT 1', '--format', 'yaml');

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are table, json, csv.");
  });
});
