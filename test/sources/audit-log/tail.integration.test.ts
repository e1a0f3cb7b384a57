import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, copyFile, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent, auditLogLines } from '../../helpers/audit-events.ts';
import { readRows, temporaryFileStore } from '../../helpers/lake.ts';

const KAUDIT = fileURLToPath(new URL('../../../bin/kaudit.mjs', import.meta.url));

/** Audit events with distinct ids, numbered from `from`. */
function lines(count: number, from: number): string {
  return auditLogLines(Array.from({ length: count }, (_, index) => auditEvent({ auditID: idOf(from + index) })));
}

function idOf(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}

function ids(count: number): string[] {
  return Array.from({ length: count }, (_, index) => idOf(index));
}

describe('kaudit tail', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  let log: string;
  const running: ChildProcess[] = [];

  /** Starts `kaudit tail` on the log as its own process. */
  const startTail = (env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, [KAUDIT, 'tail', log, '--cluster', 'onprem-dc1', '--store', storeUrl, '--checkpoint', 'audit.checkpoint.json', '--json'], {
      cwd: lake.root,
      env: { PATH: process.env.PATH, KAUDIT_FLUSH_SECONDS: '0.2', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return {
      /** SIGTERM, then the exit code and what it printed. */
      async stop() {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const [code] = await exited;
        return { code: code as number | null, stdout, stderr };
      },
    };
  };
  /** Stored rows' audit ids, sorted, once at least `count` rows are stored (or after some seconds). */
  const storedIds = async (count: number) => {
    for (let attempt = 0; ; attempt++) {
      const rows = await readRows(storeUrl, 'events/');
      if (rows.length >= count || attempt >= 300) return rows.map((row) => row.audit_id as string).sort();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
    log = path.join(lake.root, 'audit.log');
  });
  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await lake.cleanup();
  });

  it('follows a rename rotation, reading the old file to its end: every event stored once', async () => {
    // Prepare
    await writeFile(log, lines(50, 0));
    const tail = startTail();
    await storedIds(50);

    // Act
    await appendFile(log, lines(20, 50));
    await rename(log, path.join(lake.root, 'audit-2026-12-03T17-00-00.000.log'));
    await writeFile(log, lines(30, 70));
    const stored = await storedIds(100);
    const stopped = await tail.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(stored).toEqual(ids(100));
  });

  it('follows a copy and truncate, reading from the copy what was written before it: every event stored once', async () => {
    // Prepare
    await writeFile(log, lines(40, 0));
    const tail = startTail();
    await storedIds(40);

    // Act
    await appendFile(log, lines(10, 40));
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, lines(25, 50));
    const stored = await storedIds(75);
    const stopped = await tail.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(stored).toEqual(ids(75));
  });

  it('reads a rotated file the API server compressed after renaming it: every event stored once', async () => {
    // Prepare
    await writeFile(log, lines(40, 0));
    const tail = startTail();
    await storedIds(40);

    // Act
    await appendFile(log, lines(10, 40));
    const rotated = path.join(lake.root, 'audit-2026-12-03T17-00-00.000.log');
    await rename(log, rotated);
    await writeFile(log, lines(20, 50));
    await writeFile(`${rotated}.gz`, gzipSync(await readFile(rotated)));
    await rm(rotated);
    const stored = await storedIds(70);
    const stopped = await tail.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(stored).toEqual(ids(70));
  });

  it('waits for a file that appears after it started', async () => {
    // Prepare
    const tail = startTail();

    // Act
    await writeFile(log, lines(5, 0));
    const stored = await storedIds(5);
    const stopped = await tail.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(stored).toEqual(ids(5));
  });

  it('on SIGTERM stores the lines it holds, saves the checkpoint past them and exits 0', async () => {
    // Prepare: batches of 10 and no flush by time, so the last 5 lines are held when the signal comes
    await writeFile(log, lines(25, 0));
    const tail = startTail({ KAUDIT_MAX_RECORDS_PER_BATCH: '10', KAUDIT_FLUSH_SECONDS: '600' });
    await storedIds(20);

    // Act
    const stopped = await tail.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ received: 25, written: 25 });
    expect(await storedIds(25)).toEqual(ids(25));
    const checkpoint = JSON.parse(await readFile(path.join(lake.root, 'audit.checkpoint.json'), 'utf8'));
    expect(checkpoint).toMatchObject({ kind: 'kaudit-tail/1', path: log, offset: (await stat(log)).size, line: 26 });
  });

  it('resumes from the checkpoint after a restart, in the rotated and compressed file the log became: every event stored once', async () => {
    // Prepare
    await writeFile(log, lines(40, 0));
    const first = startTail();
    await storedIds(40);
    expect((await first.stop()).code).toBe(0);
    await appendFile(log, lines(15, 40));
    const rotated = path.join(lake.root, 'audit-2026-12-03T17-00-00.000.log');
    await rename(log, rotated);
    await writeFile(`${rotated}.gz`, gzipSync(await readFile(rotated)));
    await rm(rotated);
    await writeFile(log, lines(20, 55));

    // Act
    const second = startTail();
    const stored = await storedIds(75);
    const stopped = await second.stop();

    // Assess
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ received: 35, written: 35, duplicates: 0 });
    expect(stored).toEqual(ids(75));
  });
});
