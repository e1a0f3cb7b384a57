import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { temporaryFileStore } from '../helpers/lake.ts';

/** What every command ends with (docs/cli.md#exit-codes): 2 is how it was called, 3 a store that failed. */
describe('exit codes', () => {
  let directory: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    directory = await temporaryFileStore();
    await writeFile(path.join(directory.root, 'audit.log'), `${JSON.stringify(auditEvent({ stageTimestamp: '2026-11-21T09:00:00.000000Z' }))}\n`);
  });
  afterEach(() => directory.cleanup());

  it('exits 3 when the store fails, so a script knows the same command can be run again', async () => {
    // Prepare: a file where the lake needs a partition directory makes the write fail.
    await mkdir(path.join(directory.root, 'lake/events/v1'), { recursive: true });
    await writeFile(path.join(directory.root, 'lake/events/v1/dt=2026-11-21'), 'not a directory');

    // Act
    const run = await runKaudit(['ingest', '--store', 'file://./lake', '--cluster', 'onprem-prod', 'audit.log'], { cwd: directory.root });

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^kaudit: audit\.log: the store failed \(.*\): cannot write .*dt=2026-11-21/);
  });

  it('exits 2 for a store URL of no known kind, before reading anything', async () => {
    // Act
    const run = await runKaudit(['ingest', '--store', 'ftp://lake/prod', '--cluster', 'onprem-prod', 'audit.log'], { cwd: directory.root });

    // Assess
    expect(run).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^kaudit: invalid store URL "ftp:\/\/lake\/prod"/) });
  });

  it('exits 2 naming each malformed setting', async () => {
    // Act
    const run = await runKaudit(['ingest', '--cluster', 'onprem-prod', 'audit.log'], { cwd: directory.root, env: { KAUDIT_MAX_EVENT_BYTES: '4MB', KAUDIT_REDACTION: 'maybe' } });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('kaudit: KAUDIT_REDACTION: expected on or off, got "maybe"\nkaudit: KAUDIT_MAX_EVENT_BYTES: expected a positive whole number of bytes, got "4MB"\n');
  });

  it('takes the store from the --config file when neither flag nor environment names one', async () => {
    // Prepare
    await writeFile(path.join(directory.root, 'settings.yaml'), 'KAUDIT_STORE_URL: file://./from-file\n');

    // Act
    const run = await runKaudit(['ingest', '--config', 'settings.yaml', '--cluster', 'onprem-prod', '--json', 'audit.log'], { cwd: directory.root });

    // Assess
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ written: 1 });
    const query = await runKaudit(['query', '--store', 'file://./from-file', '--format', 'csv', 'SELECT count(*) AS n FROM events'], { cwd: directory.root });
    expect(query.stdout).toBe('n\r\n1\r\n');
  });
});
