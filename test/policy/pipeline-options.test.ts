/** How ingestion is configured: KAUDIT_POLICY, KAUDIT_REDACTION and KAUDIT_REDACTION_PATHS. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { buildPipelineOptions, pipelineConfigOf } from '../../shared/pipeline/pipeline-options.ts';
import { functionRuntime } from '../../shared/runtime/function-runtime.ts';
import { REDACTED } from '../../shared/transforms/redaction/path-tree.ts';
import { auditEvent } from '../helpers/audit-events.ts';
import { temporaryFileStore } from '../helpers/lake.ts';
import { base64, DB_PASSWORD, dbSecret, secretEvent } from '../redaction/secret-events.ts';
import { policyText, processEvents } from './policy-builders.ts';

/** Drops reads by service accounts, keeps the rest. */
const POLICY = policyText([{ level: 'None', userGroups: ['system:serviceaccounts'], verbs: ['get', 'list', 'watch'] }, { level: 'RequestResponse' }]);
const HUMAN_READ = auditEvent({ auditID: 'human-read' });
const CONTROLLER_READ = auditEvent({
  auditID: 'controller-read',
  user: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
});
const SECRET_UPDATE = secretEvent('secret-update', 'update', { responseObject: dbSecret() });

describe('pipeline configuration', () => {
  let directory: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    directory = await temporaryFileStore();
  });
  afterEach(() => directory.cleanup());

  it('applies a policy given inline', async () => {
    // Prepare
    const options = await buildPipelineOptions({ policy: POLICY });

    // Act
    const processed = processEvents([HUMAN_READ, CONTROLLER_READ], options);

    // Assess
    expect(processed.events.map((event) => event.audit_id)).toEqual(['human-read']);
    expect(processed.summary).toMatchObject({ skipped: 1, reasons: { policy: 1 } });
  });

  it('applies a policy given as a file path, relative to the base directory', async () => {
    // Prepare
    await writeFile(path.join(directory.root, 'cost-saver.yaml'), POLICY);
    const options = await buildPipelineOptions({ policy: 'cost-saver.yaml', baseDir: directory.root });

    // Act
    const processed = processEvents([HUMAN_READ, CONTROLLER_READ], options);

    // Assess
    expect(processed.events.map((event) => event.audit_id)).toEqual(['human-read']);
  });

  it('refuses a policy file that is not there, naming it', async () => {
    // Act
    const build = () => buildPipelineOptions({ policy: 'policies/missing.yaml', baseDir: directory.root });

    // Assess
    await expect(build()).rejects.toThrow(`policy ${path.join(directory.root, 'policies/missing.yaml')}: cannot read: ENOENT`);
  });

  it('refuses an invalid policy, naming the rule', async () => {
    // Act
    const build = () => buildPipelineOptions({ policy: policyText([{ level: 'Metadata' }, { level: 'All' }]) });

    // Assess
    await expect(build()).rejects.toThrow('inline policy: rules[1].level: unsupported value "All"');
  });

  it('redacts by default, events and quarantine records alike', async () => {
    // Prepare
    const options = await buildPipelineOptions({});

    // Act
    const processed = processEvents([SECRET_UPDATE], options);

    // Assess
    expect(processed.events[0]?.response_object).toMatchObject({ data: { password: REDACTED } });
    expect(options.quarantineTransform).toBeTypeOf('function');
  });

  it('does not redact when switched off', async () => {
    // Prepare
    const options = await buildPipelineOptions({ redaction: 'off' });

    // Act
    const processed = processEvents([SECRET_UPDATE], options);

    // Assess
    expect(processed.events[0]?.response_object).toMatchObject({ data: { password: base64(DB_PASSWORD) } });
    expect(options.quarantineTransform).toBeUndefined();
  });

  it.each([
    [
      'paths with redaction off',
      { redaction: 'off' as const, redactionPaths: '- {resources: [configmaps], paths: [data]}\n' },
      'KAUDIT_REDACTION_PATHS is set, but KAUDIT_REDACTION is off',
    ],
    ['paths that are invalid', { redactionPaths: '- {resources: [configmaps], paths: ["data."]}\n' }, 'inline redaction paths: [0].paths[0]: "data.": expected a field name'],
  ])('refuses %s', async (_name, config, message) => {
    // Act
    const build = () => buildPipelineOptions(config);

    // Assess
    await expect(build()).rejects.toThrow(message);
  });

  it('takes its settings from the configuration', () => {
    // Prepare
    const env = { KAUDIT_POLICY: 'audit-policy.yaml', KAUDIT_REDACTION: 'off', KAUDIT_REDACTION_PATHS: '', KAUDIT_RULES: 'built-in', AWS_REGION: 'eu-west-1' };

    // Act
    const config = pipelineConfigOf(configFromEnv(env));

    // Assess
    expect(config).toEqual({
      policy: 'audit-policy.yaml',
      redaction: 'off',
      redactionPaths: null,
      redactionExtras: null,
      rules: 'built-in',
      approvedNetworks: null,
      disabledRules: null,
    });
  });

  it('is what the functions run with, from their app settings', async () => {
    // Prepare
    const env = { KAUDIT_STORE_URL: directory.url, KAUDIT_POLICY: POLICY, KAUDIT_REDACTION_PATHS: '- {resources: [pods], paths: [spec.nodeName]}\n' };

    // Act
    const runtime = await functionRuntime(configFromEnv(env), null);
    const processed = processEvents(
      [HUMAN_READ, CONTROLLER_READ, auditEvent({ auditID: 'pod-get', level: 'RequestResponse', responseObject: { kind: 'Pod', spec: { nodeName: 'ip-10-0-42-17' } } })],
      runtime.pipeline,
    );

    // Assess
    expect(processed.events.map((event) => [event.audit_id, event.response_object])).toEqual([
      ['human-read', null],
      ['pod-get', { kind: 'Pod', spec: { nodeName: REDACTED } }],
    ]);
  });
});
