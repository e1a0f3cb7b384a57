import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore, fileStorePath } from '../../shared/store/file-object-store.ts';
import { StoreError } from '../../shared/store/object-store.ts';
import { auditEvent, canonicalOf, quarantineOf, sourceRecord } from '../helpers/audit-events.ts';
import { readRows, storedKeys, temporaryFileStore } from '../helpers/lake.ts';

const BATCH_KEY = 'cwl-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** A canonical event of the request `auditID`, completed at `stageTimestamp`. */
function eventAt(auditID: string, stageTimestamp: string) {
  return canonicalOf(sourceRecord(auditEvent({ auditID, requestReceivedTimestamp: stageTimestamp, stageTimestamp })));
}

describe('file store', () => {
  let lake: Awaited<ReturnType<typeof temporaryFileStore>>;
  let store: LakeEventStore;
  beforeEach(async () => {
    lake = await temporaryFileStore();
    store = new LakeEventStore(new FileObjectStore(lake.url));
  });
  afterEach(() => lake.cleanup());

  it('writes a batch as gzip NDJSON at events/v1/dt=YYYY-MM-DD/hour=HH/<batch-key>.ndjson.gz', async () => {
    // Prepare
    const events = [eventAt('a1', '2026-11-20T14:03:07.419876Z'), eventAt('a2', '2026-11-20T14:59:59.999999Z')];

    // Act
    const result = await store.writeEvents(BATCH_KEY, events);

    // Assess
    expect(result).toEqual({ written: 2, duplicates: 0 });
    const key = `events/v1/dt=2026-11-20/hour=14/${BATCH_KEY}.ndjson.gz`;
    expect(await storedKeys(lake.url, 'events/')).toEqual([key]);
    const lines = gunzipSync(await readFile(path.join(lake.root, key)))
      .toString('utf8')
      .split('\n');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line))).toEqual(events);
    expect(lines.at(-1)).toBe('');
  });

  it('writes one object per hour for a batch spanning two hours', async () => {
    // Prepare
    const events = [eventAt('a1', '2026-11-20T23:59:59.901Z'), eventAt('a2', '2026-11-21T00:00:00.017Z'), eventAt('a3', '2026-11-20T23:59:59.950Z')];

    // Act
    await store.writeEvents(BATCH_KEY, events);

    // Assess
    expect(await storedKeys(lake.url, 'events/')).toEqual([`events/v1/dt=2026-11-20/hour=23/${BATCH_KEY}.ndjson.gz`, `events/v1/dt=2026-11-21/hour=00/${BATCH_KEY}.ndjson.gz`]);
  });

  it('counts a redelivered batch as duplicates and stores no second copy', async () => {
    // Prepare
    const events = [eventAt('a1', '2026-11-20T23:59:59.901Z'), eventAt('a2', '2026-11-21T00:00:00.017Z')];
    await store.writeEvents(BATCH_KEY, events);

    // Act
    const again = await store.writeEvents(BATCH_KEY, events);

    // Assess
    expect(again).toEqual({ written: 0, duplicates: 2 });
    expect(await readRows(lake.url, 'events/')).toHaveLength(2);
  });

  it('writes a lone surrogate, which JSON readers reject, as U+FFFD', async () => {
    // Prepare
    const event = canonicalOf(sourceRecord(auditEvent({ userAgent: 'curl/8.5.0 \ud800', annotations: { 'example.com/\udc00': 'v' } })));

    // Act
    await store.writeEvents(BATCH_KEY, [event]);

    // Assess
    const text = gunzipSync(await readFile(path.join(lake.root, `events/v1/dt=2026-11-20/hour=14/${BATCH_KEY}.ndjson.gz`))).toString('utf8');
    expect(text).not.toMatch(/\\ud[89a-f]/);
    expect(JSON.parse(text)).toMatchObject({ user_agent: 'curl/8.5.0 \ufffd', annotations: { 'example.com/\ufffd': 'v' } });
  });

  it('keeps surrogate pairs and escaped backslashes as they are', async () => {
    // Prepare
    const event = canonicalOf(sourceRecord(auditEvent({ userAgent: 'deploy-bot 🚀 C:\\ud800\\path' })));

    // Act
    await store.writeEvents(BATCH_KEY, [event]);

    // Assess
    expect(await readRows(lake.url, 'events/')).toEqual([event]);
  });

  it('never overwrites an object that exists', async () => {
    // Prepare
    const objects = new FileObjectStore(lake.url);
    await objects.putIfAbsent('events/v1/dt=2026-11-20/hour=14/k.ndjson.gz', Buffer.from('first'));

    // Act
    const outcome = await objects.putIfAbsent('events/v1/dt=2026-11-20/hour=14/k.ndjson.gz', Buffer.from('second'));

    // Assess
    expect(outcome).toBe('exists');
    expect((await objects.get('events/v1/dt=2026-11-20/hour=14/k.ndjson.gz')).toString()).toBe('first');
  });

  it('leaves no temporary file behind once an object is written', async () => {
    // Act
    await store.writeEvents(BATCH_KEY, [eventAt('a1', '2026-11-20T14:03:07.419876Z')]);

    // Assess
    expect(await readdir(path.join(lake.root, 'events/v1/dt=2026-11-20/hour=14'))).toEqual([`${BATCH_KEY}.ndjson.gz`]);
  });

  it('never shows an object still being written: its dot-prefixed temporary file is not listed', async () => {
    // Prepare
    const partition = path.join(lake.root, 'events/v1/dt=2026-11-20/hour=14');
    await mkdir(partition, { recursive: true });
    await writeFile(path.join(partition, `.${BATCH_KEY}.ndjson.gz.4242.a1b2c3d4e5f6.tmp`), 'half writ');

    // Act
    const keys = await storedKeys(lake.url, 'events/');

    // Assess
    expect(keys).toEqual([]);
  });

  it('writes quarantine records at quarantine/v1/dt=YYYY-MM-DD/hour=HH/<batch-key>.ndjson.gz, by source time', async () => {
    // Prepare
    const record = quarantineOf(sourceRecord('kube-apiserver: not an event', { source_time: '2026-11-20T09:16:44.330Z' }));

    // Act
    await store.writeQuarantine(BATCH_KEY, [record]);

    // Assess
    expect(await storedKeys(lake.url, 'quarantine/')).toEqual([`quarantine/v1/dt=2026-11-20/hour=09/${BATCH_KEY}.ndjson.gz`]);
    expect(await readRows(lake.url, 'quarantine/')).toEqual([record]);
    expect(record).toMatchObject({ reason: 'invalid_json', raw: 'kube-apiserver: not an event', cluster_name: 'onprem-dc1', source_type: 'file' });
  });

  it('fails a write it cannot make with a StoreError naming the path', async () => {
    // Prepare
    await writeFile(path.join(lake.root, 'events'), 'a file where the events directory belongs');

    // Act
    const write = store.writeEvents(BATCH_KEY, [eventAt('a1', '2026-11-20T14:03:07.419876Z')]);

    // Assess
    await expect(write).rejects.toThrow(StoreError);
    await expect(write).rejects.toThrow(`cannot write ${path.join(lake.root, 'events/v1/dt=2026-11-20/hour=14', `${BATCH_KEY}.ndjson.gz`)}`);
  });

  it('fails, rather than reporting the batch as stored, when a file stands where its partition directory belongs', async () => {
    // Prepare
    await mkdir(path.join(lake.root, 'events/v1/dt=2026-11-20'), { recursive: true });
    await writeFile(path.join(lake.root, 'events/v1/dt=2026-11-20/hour=14'), 'not a directory');

    // Act
    const write = store.writeEvents(BATCH_KEY, [eventAt('a1', '2026-11-20T14:03:07.419876Z')]);

    // Assess
    await expect(write).rejects.toThrow(StoreError);
  });

  it('refuses a key that leaves the store directory', async () => {
    // Act
    const write = new FileObjectStore(lake.url).putIfAbsent('../outside.ndjson.gz', Buffer.from('x'));

    // Assess
    await expect(write).rejects.toThrow('key "../outside.ndjson.gz" leaves the store directory');
  });
});

describe('file store URLs', () => {
  it.each([
    ['file://./kaudit-data', './kaudit-data'],
    ['file:///var/lib/kaudit', '/var/lib/kaudit'],
    ['file://localhost/var/lib/kaudit', '/var/lib/kaudit'],
    ['file:///srv/audit%20lake', '/srv/audit lake'],
  ])('reads %s as the directory %s', (url, directory) => {
    // Assess
    expect(fileStorePath(url)).toBe(directory);
  });

  it('refuses a file:// URL without a path', () => {
    // Assess
    expect(() => fileStorePath('file://')).toThrow('file:// store URL has no path: file://');
  });
});
