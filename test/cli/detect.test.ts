import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/schema/finding.ts';
import { builtInRules } from '../../shared/transforms/detection/built-in-pack.ts';
import { requestAt, storeEvents } from '../detect/lake-builders.ts';
import { sigmaRuleText } from '../detection/detection-builders.ts';
import { execRequest } from '../detection/pack-builders.ts';
import { runKaudit } from '../helpers/cli.ts';
import { storedKeys, temporaryFileStore } from '../helpers/lake.ts';

const EXEC_RULE = builtInRules().find((rule) => rule.path === 'built-in/pod-exec.yml');

describe('kaudit detect', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
  });
  afterEach(() => lake.cleanup());

  it('prints one JSON finding per line for the built-in pack, with the fields the contract names', async () => {
    // Prepare
    const exec = execRequest({ command: ['sh'] });
    await storeEvents(storeUrl, [exec, requestAt({ time: '2026-11-20T14:00:00Z', user: 'alice@example.com' })]);

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--format', 'json'], { cwd: lake.root });

    // Assess
    const findings = run.stdout
      .trim()
      .split('\n')
      .map((line) => FindingSchema.parse(JSON.parse(line)));
    expect(run.exitCode).toBe(0);
    expect(findings.map((finding) => [finding.rule_id, finding.rule_title, finding.event_id])).toContainEqual([EXEC_RULE?.id, EXEC_RULE?.title, exec.event_id]);
    expect(findings[0]).toMatchObject({ audit_id: exec.audit_id, time: exec.time, cluster_id: exec.cluster_id, user_name: exec.user_name });
  });

  it('evaluates only the rules given with --rules', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'list.yml'), sigmaRuleText({ selection: { verb: 'list' }, condition: 'selection' }, { title: 'Pods Listed' }));
    await storeEvents(storeUrl, [execRequest({ command: ['sh'] }), requestAt({ time: '2026-11-20T14:00:00Z', user: 'alice@example.com', verb: 'list', resource: 'pods' })]);

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--rules', 'list.yml', '--format', 'json'], { cwd: lake.root });

    // Assess
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).rule_title),
    ).toEqual(['Pods Listed']);
  });

  it('saves findings under findings/v1/ once, however often it runs with --save', async () => {
    // Prepare
    await storeEvents(storeUrl, [execRequest({ command: ['sh'] })]);
    await runKaudit(['detect', '--store', storeUrl, '--save'], { cwd: lake.root });

    // Act
    const again = await runKaudit(['detect', '--store', storeUrl, '--save'], { cwd: lake.root });
    const view = await runKaudit(['query', '--store', storeUrl, '--format', 'json', 'SELECT count(*) AS findings FROM findings'], { cwd: lake.root });

    // Assess
    expect(await storedKeys(storeUrl, 'findings/v1/')).toHaveLength(1);
    expect(again.stderr).toContain('0 findings saved, 1 already stored');
    expect(view.stdout).toBe('{"findings":1}\n');
  });

  it('prints OCSF Detection Findings with --format ocsf', async () => {
    // Prepare
    await storeEvents(storeUrl, [execRequest({ command: ['sh'] })]);

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--format', 'ocsf'], { cwd: lake.root });

    // Assess
    expect(JSON.parse(run.stdout.split('\n')[0] as string)).toMatchObject({ class_uid: 2004, finding_info: { analytic: { uid: EXEC_RULE?.id } } });
  });

  it('runs the analytics with --analytics', async () => {
    // Prepare
    const refusals = Array.from({ length: 10 }, (_, index) =>
      requestAt({
        time: new Date(Date.parse('2026-11-20T10:00:00Z') + index * 1000).toISOString(),
        user: 'eve@example.com',
        resource: 'secrets',
        code: 403,
        from: '198.51.100.23',
      }),
    );
    await storeEvents(storeUrl, refusals);

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--rules', 'built-in', '--analytics', '--since', '2026-11-20', '--until', '2026-11-21', '--format', 'json'], {
      cwd: lake.root,
    });

    // Assess
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).rule_title),
    ).toEqual(['Burst Of Refused Requests By One Identity', 'Burst Of Refused Requests From One Address']);
  });

  it('exits 2 naming the file and the problem when a rule does not load', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'bad.yml'), sigmaRuleText({ selection: { 'verb|base64offset': 'list' }, condition: 'selection' }));

    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--rules', 'bad.yml'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/bad\.yml: .*base64offset/);
  });

  it('exits 2 for an alert webhook that is no http(s) URL, before reading the lake', async () => {
    // Act
    const run = await runKaudit(['detect', '--store', storeUrl, '--alert-webhook', 'ftp://alerts.example.com/'], { cwd: lake.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--alert-webhook: ftp: is not http: or https:');
  });
});
