/** `kaudit policy check`, `kaudit policy eval` and `kaudit ingest --policy` (docs/contracts.md#cli-policy-check, #cli-policy-eval). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent, auditLogLines, cloudWatchPayload, cloudWatchSubscriptionEvent, eventList } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, temporaryFileStore } from '../helpers/lake.ts';
import { policyText } from './policy-builders.ts';

const POLICY = policyText(
  [
    { level: 'None', nonResourceURLs: ['/healthz*'] },
    { level: 'Metadata', userGroups: ['system:nodes'], omitStages: ['RequestReceived'] },
    { level: 'RequestResponse', omitManagedFields: false },
  ],
  { omitManagedFields: true },
);
const HEALTH_CHECK = auditEvent({ auditID: 'a-health', verb: 'get', requestURI: '/healthz?verbose', objectRef: undefined });
const NODE_RECEIVED = auditEvent({ auditID: 'b-node', stage: 'RequestReceived', user: { username: 'system:node:ip-10-0-42-17', groups: ['system:nodes'] } });
const HUMAN_LIST = auditEvent({ auditID: 'c-human' });

describe('kaudit policy', () => {
  let dir: Awaited<ReturnType<typeof temporaryFileStore>>;
  const write = async (name: string, content: string) => {
    await writeFile(path.join(dir.root, name), content);
    return name;
  };
  beforeEach(async () => {
    dir = await temporaryFileStore();
  });
  afterEach(() => dir.cleanup());

  describe('check', () => {
    it('exits 0 for a valid policy', async () => {
      // Prepare
      const file = await write('policy.yaml', POLICY);

      // Act
      const run = await runKaudit(['policy', 'check', file], { cwd: dir.root });

      // Assess
      expect(run).toEqual({ exitCode: 0, stdout: 'policy.yaml: valid audit policy, 3 rules\n', stderr: '' });
    });

    it('exits 2 for an invalid policy, one line per problem naming the rule index', async () => {
      // Prepare
      const file = await write('policy.yaml', policyText([{ level: 'Metadata' }, { level: 'Metadata', nonResourceURLs: ['healthz'] }, { level: 'Some' }]));

      // Act
      const run = await runKaudit(['policy', 'check', file], { cwd: dir.root });

      // Assess
      expect(run.exitCode).toBe(2);
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([
        'policy.yaml: rules[1].nonResourceURLs[0]: "healthz": a non-resource URL must start with "/" (or be "*")',
        'policy.yaml: rules[2].level: unsupported value "Some": expected one of None, Metadata, Request, RequestResponse',
      ]);
    });

    it('exits 0 with a warning for fields the API server would ignore', async () => {
      // Prepare
      const file = await write('policy.yaml', policyText([{ level: 'None', user: ['system:kube-proxy'] }, { level: 'Metadata' }]));

      // Act
      const run = await runKaudit(['policy', 'check', file], { cwd: dir.root });

      // Assess
      expect(run).toMatchObject({ exitCode: 0, stderr: 'policy.yaml: warning: rules[0]: unknown field "user" ignored\n' });
    });

    it('exits 2 for a file it cannot read', async () => {
      // Act
      const run = await runKaudit(['policy', 'check', 'nowhere.yaml'], { cwd: dir.root });

      // Assess
      expect(run).toMatchObject({ exitCode: 2, stderr: 'kaudit: nowhere.yaml: cannot read: ENOENT\n' });
    });
  });

  describe('eval', () => {
    it('prints one decision per audit event, in input order, None and omitted stages included', async () => {
      // Prepare
      const policy = await write('policy.yaml', POLICY);
      const events = await write('audit.log', auditLogLines([HEALTH_CHECK, NODE_RECEIVED, HUMAN_LIST]));

      // Act
      const run = await runKaudit(['policy', 'eval', '--policy', policy, events], { cwd: dir.root });

      // Assess
      expect(run.exitCode).toBe(0);
      expect(
        run.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)),
      ).toEqual([
        { audit_id: 'a-health', stage: 'ResponseComplete', level: 'None', omit_stage: false, omit_managed_fields: true },
        { audit_id: 'b-node', stage: 'RequestReceived', level: 'Metadata', omit_stage: true, omit_managed_fields: true },
        { audit_id: 'c-human', stage: 'ResponseComplete', level: 'RequestResponse', omit_stage: false, omit_managed_fields: false },
      ]);
    });

    it('prints the fields in the order docs/contracts.md gives', async () => {
      // Prepare
      const policy = await write('policy.yaml', POLICY);

      // Act
      const run = await runKaudit(['policy', 'eval', '--policy', policy, '-'], { cwd: dir.root, stdin: auditLogLines([HUMAN_LIST]) });

      // Assess
      expect(run.stdout).toBe('{"audit_id":"c-human","stage":"ResponseComplete","level":"RequestResponse","omit_stage":false,"omit_managed_fields":false}\n');
    });

    it('reads stdin when given no events, and every envelope ingest reads', async () => {
      // Prepare
      const policy = await write('policy.yaml', POLICY);
      const cloudWatch = await write('eks.json', JSON.stringify(cloudWatchSubscriptionEvent(cloudWatchPayload({ events: [HEALTH_CHECK] }))));

      // Act
      const fromStdin = await runKaudit(['policy', 'eval', '--policy', policy], { cwd: dir.root, stdin: JSON.stringify(eventList([NODE_RECEIVED])) });
      const fromEnvelope = await runKaudit(['policy', 'eval', '--policy', policy, cloudWatch], { cwd: dir.root });

      // Assess
      expect([fromStdin.stdout, fromEnvelope.stdout].map((text) => (JSON.parse(text) as { audit_id: string }).audit_id)).toEqual(['b-node', 'a-health']);
    });

    it('exits 1, saying how many, when some records are not audit events', async () => {
      // Prepare
      const policy = await write('policy.yaml', POLICY);
      const events = await write('audit.log', `${JSON.stringify(HUMAN_LIST)}\n{"kind":"Event","stage":"ResponseComplete"}\n`);

      // Act
      const run = await runKaudit(['policy', 'eval', '--policy', policy, events], { cwd: dir.root });

      // Assess
      expect(run).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('1 record was not an audit event') });
      expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    });

    it('exits 2 for an invalid policy, before reading events', async () => {
      // Prepare
      const policy = await write('policy.yaml', policyText([]));

      // Act
      const run = await runKaudit(['policy', 'eval', '--policy', policy, 'nowhere.log'], { cwd: dir.root });

      // Assess
      expect(run).toMatchObject({ exitCode: 2, stderr: 'kaudit: policy.yaml: rules: a policy needs at least one rule (the API server refuses a policy with 0 rules)\n' });
    });
  });

  describe('ingest --policy', () => {
    it('stores what the policy keeps and counts what it drops by reason', async () => {
      // Prepare
      const policy = await write('policy.yaml', POLICY);
      const events = await write('audit.log', auditLogLines([HEALTH_CHECK, NODE_RECEIVED, HUMAN_LIST]));
      const store = `file://${path.join(dir.root, 'lake')}`;

      // Act
      const run = await runKaudit(['ingest', '--store', store, '--json', '--policy', policy, events], { cwd: dir.root });

      // Assess
      expect(JSON.parse(run.stdout)).toEqual({ received: 3, written: 1, duplicates: 0, skipped: 2, quarantined: 0, reasons: { policy: 1, omitted_stage: 1 } });
      expect((await readRows(store, 'events/v1/')).map((row) => row.audit_id)).toEqual(['c-human']);
    });

    it('exits 2 for an invalid policy, naming the rule', async () => {
      // Prepare
      const policy = await write('policy.yaml', policyText([{ level: 'Metadata', resources: [{ group: 'apps/v1', resources: ['deployments'] }] }]));
      const events = await write('audit.log', auditLogLines([HUMAN_LIST]));

      // Act
      const run = await runKaudit(['ingest', '--store', `file://${path.join(dir.root, 'lake')}`, '--policy', policy, events], { cwd: dir.root });

      // Assess
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('rules[0].resources[0].group: "apps/v1" is not an API group name');
    });
  });
});
