import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { type StubServer, startStubServer } from '../helpers/stub-server.ts';

const EXEC = auditEvent({
  auditID: '0d5e7f1a-3b2c-4d9e-8f7a-6b5c4d3e2f1a',
  verb: 'create',
  requestURI: '/api/v1/namespaces/shop/pods/web-7d4b9c-x2x/exec?command=sh&container=web&stdin=true&stdout=true&tty=true',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-7d4b9c-x2x', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 101 },
});

describe('ingest → findings → alert webhook', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  let alerts: StubServer;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
  });
  afterEach(async () => {
    await alerts?.stop();
    await lake.cleanup();
  });

  it('stores the findings of ingestion and posts those at the alert level to the webhook as JSON', async () => {
    // Prepare
    alerts = await startStubServer(() => ({ status: 204, body: '' }));
    await writeFile(path.join(lake.root, 'eks.json'), JSON.stringify(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [EXEC, auditEvent()] }))));
    const ingested = await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', '--rules', 'built-in', 'eks.json'], { cwd: lake.root });

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--alert-webhook', `${alerts.endpoint}/hooks/kaudit`, '--alert-level', 'medium'], { cwd: lake.root });

    // Assess
    const stored = await readRows(storeUrl, 'findings/v1/');
    expect(ingested.exitCode).toBe(0);
    expect(stored.map((finding) => finding.rule_title)).toContain('Command Executed In A Pod');
    expect(run.exitCode).toBe(0);
    expect(alerts.requests).toHaveLength(1);
    const posted = JSON.parse(alerts.requests[0]?.body ?? '') as { findings: Record<string, unknown>[] };
    expect(alerts.requests[0]).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(posted.findings.map((finding) => finding.finding_id).sort()).toEqual(
      stored
        .filter((finding) => finding.level !== 'low' && finding.level !== 'informational')
        .map((finding) => finding.finding_id)
        .sort(),
    );
  });

  it('exits 3 naming the webhook without its query when the webhook refuses the findings', async () => {
    // Prepare
    alerts = await startStubServer(() => ({ status: 500, body: { error: 'down' } }));
    await writeFile(path.join(lake.root, 'eks.json'), JSON.stringify(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [EXEC] }))));
    await runKaudit(['ingest', '--store', storeUrl, '--region', 'eu-west-1', 'eks.json'], { cwd: lake.root });

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--alert-webhook', `${alerts.endpoint}/hooks/kaudit?token=hook-secret-5a8c`], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain(`alert webhook ${alerts.endpoint}/hooks/kaudit: answered 500`);
    expect(run.stderr).not.toContain('hook-secret-5a8c');
  });
});
