import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sigmaRuleText } from '../detection/detection-builders.ts';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

const GOOD = sigmaRuleText({ selection: { verb: 'create', 'objectRef.subresource': 'exec' }, condition: 'selection' });
const UNSUPPORTED = sigmaRuleText({ selection: { 'requestURI|base64offset|contains': 'sh' }, condition: 'selection' }, { id: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' });

describe('kaudit rules check', () => {
  let dir: Awaited<ReturnType<typeof temporaryFileStore>>;
  const write = async (name: string, text: string) => {
    await mkdir(path.dirname(path.join(dir.root, name)), { recursive: true });
    await writeFile(path.join(dir.root, name), text);
    return name;
  };
  beforeEach(async () => {
    dir = await temporaryFileStore();
  });
  afterEach(() => dir.cleanup());

  it('exits 0 when every rule of the files and directories loads', async () => {
    // Prepare
    await write('rules/exec.yml', GOOD);
    await write('rules/more/exec-copy.yaml', sigmaRuleText({ selection: { verb: 'get' }, condition: 'selection' }, { id: '7c6d5e4f-3a2b-4c1d-8e0f-9a8b7c6d5e4f' }));

    // Act
    const run = await runKaudit(['rules', 'check', 'rules'], { cwd: dir.root });

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${path.join('rules', 'exec.yml')}: ok, medium, Exec Into A Pod\n${path.join('rules', 'more', 'exec-copy.yaml')}: ok, medium, Exec Into A Pod\n`);
  });

  it('exits 2 naming the file and the unsupported modifier when a rule does not load', async () => {
    // Prepare
    await write('good.yml', GOOD);
    await write('bad.yml', UNSUPPORTED);

    // Act
    const run = await runKaudit(['rules', 'check', 'good.yml', 'bad.yml'], { cwd: dir.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^bad\.yml: detection\.selection\.requestURI\|base64offset\|contains: .*base64offset/m);
  });

  it('exits 2 naming a path that cannot be read', async () => {
    // Act
    const run = await runKaudit(['rules', 'check', 'missing.yml'], { cwd: dir.root });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('missing.yml: cannot read: ENOENT');
  });
});
