import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kauditApp } from './helpers/kaudit-app.ts';

interface Violation {
  rule: string;
  path: string;
}

interface ValidationReport {
  pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
}

/** Synthesizes the app: whether synthesis failed, and what cdk-nag reported that nobody acknowledged. */
function synthesize(app: App, outdir: string): { failed: boolean; findings: Violation[] } {
  let failed = false;
  try {
    app.synth();
  } catch (error) {
    if ((error as Error).name !== 'ValidationFailed') throw error;
    failed = true;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) => violation.violatingConstructs.map((construct) => ({ rule: violation.ruleName, path: construct.constructPath }))),
  );
  return { failed, findings };
}

describe('cdk-nag AWS Solutions checks', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'kaudit-cdk-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('find nothing unacknowledged in the default deployment', () => {
    // Prepare
    const { app } = kauditApp({ clusters: 'prod-eu,staging-eu' }, outdir);

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result).toEqual({ failed: false, findings: [] });
  });

  it('find nothing unacknowledged with KMS, compliance-mode Object Lock, reserved concurrency and an alarm topic', () => {
    // Prepare
    const { app } = kauditApp(
      {
        clusters: 'prod-eu',
        lakeEncryption: 'kms',
        objectLockMode: 'compliance',
        objectLockDays: '400',
        reservedConcurrency: '5',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      },
      outdir,
    );

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result).toEqual({ failed: false, findings: [] });
  });

  it('find nothing unacknowledged with rules at ingestion, the findings bus and the alerts topic with an e-mail subscription', () => {
    // Prepare
    const { app } = kauditApp({ clusters: 'prod-eu', firehoseClusters: 'busy-eu', webhook: 'true', rules: 'built-in', alertEmail: 'secops@example.com' }, outdir);

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result).toEqual({ failed: false, findings: [] });
  });

  it('find nothing unacknowledged with clusters on the Firehose path', () => {
    // Prepare
    const { app } = kauditApp({ clusters: 'prod-eu', firehoseClusters: 'busy-eu', lakeEncryption: 'kms' }, outdir);

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result).toEqual({ failed: false, findings: [] });
  });

  it('find nothing unacknowledged with the webhook receiver, its public Function URL and its tokens secret under a customer managed key', () => {
    // Prepare
    const { app } = kauditApp(
      {
        clusters: 'prod-eu',
        webhook: 'true',
        webhookTokensSecretKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        lakeEncryption: 'kms',
      },
      outdir,
    );

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result).toEqual({ failed: false, findings: [] });
  });

  it('fail the synthesis on a finding nobody acknowledged', () => {
    // Prepare: cdk-nag prints what it found; this test expects findings.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { app, stack } = kauditApp({}, outdir);
    new s3.Bucket(stack, 'PlainBucket');

    // Act
    const result = synthesize(app, outdir);

    // Assess
    expect(result.failed).toBe(true);
    expect(result.findings).toContainEqual({ rule: 'AwsSolutions-S10', path: 'Kaudit/PlainBucket/Resource' });
  });

  it('carry a reason of substance on every acknowledgement', () => {
    // Prepare
    const { stack } = kauditApp({ lakeEncryption: 'kms' }, outdir);

    // Act
    const reasons = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));

    // Assess
    expect(reasons.length).toBeGreaterThan(0);
    for (const [rule, reason] of reasons) expect(reason.length, rule).toBeGreaterThanOrEqual(60);
  });
});
