import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INLINE_DOCUMENTS_BUDGET_BYTES, inlineDocumentSettings } from '../../infra/aws/inline-documents.ts';
import { REPO_ROOT } from '../../infra/packaging/function-entries.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { buildPipelineOptions } from '../../shared/pipeline/pipeline-options.ts';

const COST_SAVER_POLICY = join(REPO_ROOT, 'policies/cost-saver.yaml');
const REDACTION_PATHS = '# ConfigMaps of the payments team hold API keys\n- resources: [configmaps]\n  paths: [data.apiKey]\n';

describe('policy and redaction paths passed inline to Lambda', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'kaudit-documents-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  }

  it('sets nothing when no file is configured', () => {
    // Act
    const settings = inlineDocumentSettings({});

    // Assess
    expect(settings).toEqual({});
  });

  it('passes the policy file as one line holding the same document, without its comments', () => {
    // Act
    const policy = inlineDocumentSettings({ auditPolicyFile: COST_SAVER_POLICY })[SETTINGS.policy] as string;

    // Assess
    expect(parse(policy)).toEqual(parse(readFileSync(COST_SAVER_POLICY, 'utf8')));
    expect(policy).not.toContain('\n');
    expect(Buffer.byteLength(policy)).toBeLessThan(readFileSync(COST_SAVER_POLICY).length);
  });

  it('passes settings the functions read as inline documents, not as file paths', async () => {
    // Prepare
    const settings = inlineDocumentSettings({ auditPolicyFile: COST_SAVER_POLICY, redactionPathsFile: file('redaction.yaml', REDACTION_PATHS) });

    // Act
    const pipeline = await buildPipelineOptions({ policy: settings[SETTINGS.policy], redactionPaths: settings[SETTINGS.redactionPaths], baseDir: directory });

    // Assess
    expect(pipeline.transforms).toHaveLength(2);
    expect(settings[SETTINGS.redactionPaths]).toBe('[{"resources":["configmaps"],"paths":["data.apiKey"]}]');
  });

  it('fails the synthesis on an invalid policy, naming the file and the field', () => {
    // Prepare
    const policy = file('policy.yaml', 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n');

    // Act
    const inline = () => inlineDocumentSettings({ auditPolicyFile: policy });

    // Assess
    expect(inline).toThrow(new RegExp(`${policy}: rules\\[0\\]\\.level`));
  });

  it('fails the synthesis on invalid redaction paths, naming the file and the entry', () => {
    // Prepare
    const paths = file('redaction.yaml', '- resources: [configmaps]\n  paths: ["data."]\n');

    // Act
    const inline = () => inlineDocumentSettings({ redactionPathsFile: paths });

    // Assess
    expect(inline).toThrow(new RegExp(`${paths}: \\[0\\]\\.paths\\[0\\]`));
  });

  it('refuses documents that would leave too little of Lambda’s 4 KB environment for the other settings', () => {
    // Prepare
    const users = Array.from({ length: INLINE_DOCUMENTS_BUDGET_BYTES / 8 }, (_, index) => `user-${index}`);
    const policy = file('policy.yaml', JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', users }, { level: 'Metadata' }] }));

    // Act
    const inline = () => inlineDocumentSettings({ auditPolicyFile: policy });

    // Assess
    expect(inline).toThrow(new RegExp(`take \\d+ bytes as Lambda environment variables, more than the ${INLINE_DOCUMENTS_BUDGET_BYTES}`));
  });
});
