import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvent, auditLogLines, cloudWatchPayload } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';

/** Audit events with distinct ids, as one API server logs them. */
function events(count: number, from = 0) {
  return Array.from({ length: count }, (_, index) => auditEvent({ auditID: `00000000-0000-4000-8000-${String(from + index).padStart(12, '0')}` }));
}

describe('kaudit ingest, streaming', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let storeUrl: string;
  const write = async (name: string, content: string | Buffer) => {
    await writeFile(path.join(lake.root, name), content);
    return name;
  };
  const ingest = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: Readable) =>
    runKaudit(['ingest', '--store', storeUrl, '--cluster', 'onprem-dc1', '--json', ...args], { cwd: lake.root, env, stdin });
  beforeEach(async () => {
    lake = await temporaryFileStore();
    storeUrl = `file://${path.join(lake.root, 'lake')}`;
  });
  afterEach(() => lake.cleanup());

  it('stores a log longer than one batch batch by batch, keeping each line number', async () => {
    // Prepare
    const input = await write('audit.log', auditLogLines(events(25)));

    // Act
    const run = await ingest([input], { KAUDIT_MAX_RECORDS_PER_BATCH: '10' });

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 25, written: 25 });
    expect(await storedKeys(storeUrl, 'events/')).toHaveLength(3);
    const offsets = (await readRows(storeUrl, 'events/')).map((row) => Number(row.source_offset)).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
  });

  it('stores nothing new when the same log is ingested again under another name', async () => {
    // Prepare
    const input = await write('audit.log', auditLogLines(events(25)));
    await ingest([input], { KAUDIT_MAX_RECORDS_PER_BATCH: '10' });
    await copyFile(path.join(lake.root, input), path.join(lake.root, 'audit-renamed.log'));

    // Act
    const again = await ingest(['audit-renamed.log'], { KAUDIT_MAX_RECORDS_PER_BATCH: '10' });

    // Assess
    expect(JSON.parse(again.stdout)).toMatchObject({ received: 25, written: 0, duplicates: 25 });
    expect(await storedKeys(storeUrl, 'events/')).toHaveLength(3);
  });

  it('reads a gzip log as it reads the plain one', async () => {
    // Prepare
    const input = await write('audit.log.gz', gzipSync(auditLogLines(events(25))));

    // Act
    const run = await ingest([input], { KAUDIT_MAX_RECORDS_PER_BATCH: '10' });

    // Assess
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 25, written: 25 });
  });

  it('reports plain text that is no JSON as not JSON, never as bad gzip', async () => {
    // Prepare
    const input = await write('notes.txt', 'kube-apiserver started\nlistening on :6443\n');

    // Act
    const run = await ingest([input]);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('kaudit: notes.txt: not JSON: expected a CloudWatch, Event Hubs or audit.k8s.io JSON document, or JSON lines\n');
  });

  it('on gzip that is cut short, reports where, and what was stored before it', async () => {
    // Prepare
    const whole = gzipSync(auditLogLines(events(2000)));
    const input = await write('audit.log.gz', whole.subarray(0, Math.floor(whole.length * 0.8)));

    // Act
    const run = await ingest([input], { KAUDIT_MAX_RECORDS_PER_BATCH: '100' });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /^kaudit: audit\.log\.gz: gzip data is cut short or corrupt \(unexpected end of file\) at byte \d+, after line \d+; what was stored before it is in the summary\n$/,
    );
    const summary = JSON.parse(run.stdout);
    expect(summary.written).toBeGreaterThan(0);
    expect(summary.written).toBe((await readRows(storeUrl, 'events/')).length);
  });

  it('on an envelope line it cannot decode, names the line and keeps what was stored before it', async () => {
    // Prepare
    const eksLine = JSON.stringify(cloudWatchPayload({ events: [auditEvent()] }));
    const input = await write('mixed.log', `${auditLogLines(events(3))}${eksLine}\n`);

    // Act
    const run = await ingest([input], { KAUDIT_MAX_RECORDS_PER_BATCH: '1' });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^kaudit: mixed\.log: line 4: EKS input needs --region/);
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 3, written: 3 });
  });

  it('refuses a JSON document larger than the document limit, naming the limit', async () => {
    // Prepare
    const input = await write('list.json', JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events(20) }, null, 2));

    // Act
    const run = await ingest([input], { KAUDIT_MAX_DECODED_BYTES: '4096' });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/JSON document is read whole up to 4096 bytes \(KAUDIT_MAX_DECODED_BYTES\)\n$/);
  });

  it('reads a log longer than the document limit whose first line is cut as JSON lines, quarantining that line', async () => {
    // Prepare: a log that starts in the middle of an event, as a copy taken mid-write does
    const input = await write('audit.log', `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"0000\n${auditLogLines(events(30))}`);

    // Act
    const run = await ingest([input], { KAUDIT_MAX_DECODED_BYTES: '4096' });

    // Assess
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 31, written: 30, quarantined: 1 });
  });

  it('stores lines from a pipe as they arrive, before the pipe ends', async () => {
    // Prepare
    const stdin = new PassThrough();
    stdin.write(auditLogLines(events(2)));

    // Act
    const running = ingest(['-'], { KAUDIT_FLUSH_SECONDS: '0.1' }, stdin);
    const rows = await waitFor(
      () => readRows(storeUrl, 'events/'),
      (found) => found.length === 2,
    );
    stdin.end(auditLogLines(events(1, 2)));
    const run = await running;

    // Assess
    expect(rows).toHaveLength(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 3, written: 3 });
  });

  it('stores each batch before reading the rest of the input', async () => {
    // Prepare: the input gives its second half only once the first half's batches are in the store
    let storedBeforeSecondHalf: number | null = null;
    const input = async function* () {
      yield Buffer.from(auditLogLines(events(30)));
      storedBeforeSecondHalf = (
        await waitFor(
          () => readRows(storeUrl, 'events/'),
          (rows) => rows.length >= 20,
        )
      ).length;
      yield Buffer.from(auditLogLines(events(30, 30)));
    };

    // Act
    const run = await ingest(['-'], { KAUDIT_MAX_RECORDS_PER_BATCH: '10', KAUDIT_FLUSH_SECONDS: '600' }, Readable.from(input()));

    // Assess
    expect(storedBeforeSecondHalf).toBeGreaterThanOrEqual(20);
    expect(JSON.parse(run.stdout)).toMatchObject({ received: 60, written: 60 });
  });

  it('exits 3 when the store fails, naming the store problem', async () => {
    // Prepare
    const input = await write('audit.log', auditLogLines(events(2)));
    await write('occupied', 'a file where the store directory should be');
    storeUrl = `file://${path.join(lake.root, 'occupied')}`;

    // Act
    const run = await ingest([input]);

    // Assess
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^kaudit: audit\.log: the store failed \(at byte \d+, after line 2\): /);
  });
});

/** Reads until `done` holds (the command runs meanwhile), at most a few seconds. */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
