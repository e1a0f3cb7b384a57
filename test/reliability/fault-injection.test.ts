/**
 * Nothing lost, nothing doubled: both functions, run as their platforms run them, against a store
 * that fails on purpose. After whatever was dead-lettered is replayed, the deduplicated `events`
 * view holds exactly the unique events of the input. The afterAll prints the summary table that
 * docs/delivery-semantics.md quotes.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakeQuery } from '../../shared/query/lake-query.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { type AuditEvent, aksRecord, auditEvent, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody } from '../helpers/audit-events.ts';
import { runKaudit } from '../helpers/cli.ts';
import { storedKeys, temporaryFileStore } from '../helpers/lake.ts';
import { FakeQueue } from './helpers/fake-queue.ts';
import { FAULTS, type FaultPlan, FaultyObjectStore } from './helpers/faulty-object-store.ts';
import { aksFunction, deliverWithRetryPolicy, eksFunction, invokeAsync, type TriggerDelivery, testRuntime, triggerMetadataFor } from './helpers/platforms.ts';

/** Six requests, three in each of two hours, so one batch of them is two lake objects. */
const READS = ['get', 'list', 'watch'].map((verb, index) =>
  auditEvent({ auditID: `read-${index}`, verb, requestReceivedTimestamp: `2026-11-20T14:59:5${index}.100000Z`, stageTimestamp: `2026-11-20T14:59:5${index}.200000Z` }),
);
const WRITES = ['create', 'update', 'delete'].map((verb, index) =>
  auditEvent({ auditID: `write-${index}`, verb, requestReceivedTimestamp: `2026-11-20T15:00:0${index}.100000Z`, stageTimestamp: `2026-11-20T15:00:0${index}.200000Z` }),
);
const EVENTS = [...READS, ...WRITES];
const UNIQUE_AUDIT_IDS = EVENTS.map((event) => event.auditID as string).sort();

const EKS_EVENT = cloudWatchSubscriptionEvent(cloudWatchPayload({ events: EVENTS })) as unknown as CloudWatchLogsEvent;

/** Event Hubs bodies as the trigger hands them over (dataType string): diagnostic settings put a few records in each. */
function aksBodies(events: AuditEvent[], category: 'kube-audit' | 'kube-audit-admin'): string[] {
  const records = events.map((event) => aksRecord(event, { category }));
  return [eventHubBody(records.slice(0, 3)), eventHubBody(records.slice(3))].filter((body) => body.records.length > 0).map((body) => JSON.stringify(body));
}
const KUBE_AUDIT = aksBodies(EVENTS, 'kube-audit');
/** kube-audit-admin is kube-audit without get, list and watch; AKS delivers both when both are enabled. */
const KUBE_AUDIT_ADMIN = aksBodies(WRITES, 'kube-audit-admin');

interface SummaryRow {
  path: 'EKS' | 'AKS';
  scenario: string;
  eventsIn: number;
  attempts: number;
  deadLettered: number;
  storedUnique: number;
  storedRows: number;
  duplicatesReported: number;
}
const table: SummaryRow[] = [];

afterAll(() => {
  const header = '| path | case | events in (unique) | attempts | dead-lettered | stored unique (`events`) | stored rows (`events_all`) | duplicates reported |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|';
  const lines = table.map(
    (row) => `| ${row.path} | ${row.scenario} | ${row.eventsIn} | ${row.attempts} | ${row.deadLettered} | ${row.storedUnique} | ${row.storedRows} | ${row.duplicatesReported} |`,
  );
  console.log(`\nFault-injection summary\n${[header, rule, ...lines].join('\n')}\n`);
});

interface Lake {
  url: string;
  root: string;
  objects: FaultyObjectStore;
  cleanup: () => Promise<void>;
}

async function faultyLake(plan: FaultPlan): Promise<Lake> {
  const directory = await temporaryFileStore();
  return { ...directory, objects: new FaultyObjectStore(new FileObjectStore(directory.url), plan) };
}

/** What the lake holds: the audit ids of the `events` view, and the rows of `events_all`. */
async function lakeContents(root: string): Promise<{ auditIds: string[]; rows: number }> {
  const lake = await LakeQuery.open(root);
  try {
    const unique = await lake.run('SELECT audit_id FROM events ORDER BY audit_id');
    const all = await lake.run('SELECT count(*) AS n FROM events_all');
    return { auditIds: unique.rows.map((row) => row.audit_id as string), rows: all.rows[0]?.n as number };
  } finally {
    lake.close();
  }
}

/** Checks the lake against the input, records the case's row, and returns it. */
async function record(path: SummaryRow['path'], scenario: string, lake: Lake, counts: Pick<SummaryRow, 'attempts' | 'deadLettered' | 'duplicatesReported'>): Promise<SummaryRow> {
  const contents = await lakeContents(lake.root);
  expect(contents.auditIds).toEqual(UNIQUE_AUDIT_IDS);
  const row = { path, scenario, eventsIn: UNIQUE_AUDIT_IDS.length, storedUnique: contents.auditIds.length, storedRows: contents.rows, ...counts };
  table.push(row);
  return row;
}

/** `kaudit ingest --json FILE` into the lake: the replay of a dead batch. */
async function replayFile(lake: Lake, file: string): Promise<{ written: number; duplicates: number }> {
  const run = await runKaudit(['ingest', '--store', lake.url, '--json', file], { cwd: path.dirname(file) });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout) as { written: number; duplicates: number };
}

describe('EKS: CloudWatch Logs subscription → Lambda (async: 2 retries, then the on-failure queue)', () => {
  let lake: Lake;
  afterEach(() => lake.cleanup());

  it('stores every event once when the store fails twice and then recovers', async () => {
    // Prepare
    lake = await faultyLake(FAULTS.firstPuts(2));

    // Act
    const invocation = await invokeAsync(eksFunction(testRuntime(lake.objects, 'eu-west-1')), EKS_EVENT);

    // Assess
    expect(invocation.destinationRecord).toBeNull();
    const row = await record('EKS', 'store fails 2×, then recovers', lake, {
      attempts: invocation.attempts,
      deadLettered: 0,
      duplicatesReported: invocation.summary?.duplicates ?? -1,
    });
    expect(row).toMatchObject({ attempts: 3, storedRows: 6, duplicatesReported: 0 });
  });

  it('keeps the batch in the on-failure queue while the store is down, and `kaudit redrive` stores it and empties the queue', async () => {
    // Prepare
    lake = await faultyLake(FAULTS.always());
    const queue = new FakeQueue();

    try {
      // Act
      const invocation = await invokeAsync(eksFunction(testRuntime(lake.objects, 'eu-west-1')), EKS_EVENT);
      queue.send(JSON.stringify(invocation.destinationRecord));
      lake.objects.recover();
      const redrive = await runKaudit(['redrive', '--sqs', queue.url, '--store', lake.url, '--json'], { cwd: lake.root });

      // Assess
      expect(redrive.exitCode).toBe(0);
      expect(queue.messageIds).toEqual([]);
      const replayed = JSON.parse(redrive.stdout) as { written: number; duplicates: number };
      const row = await record('EKS', 'store down for good → on-failure queue → `kaudit redrive`', lake, {
        attempts: invocation.attempts,
        deadLettered: EVENTS.length,
        duplicatesReported: replayed.duplicates,
      });
      expect(row).toMatchObject({ attempts: 3, storedRows: 6, duplicatesReported: 0 });
    } finally {
      queue.restore();
    }
  });

  it('completes a batch whose first object was stored before a crash, without a second copy of it', async () => {
    // Prepare
    lake = await faultyLake(FAULTS.onlyPut(2));

    // Act
    const invocation = await invokeAsync(eksFunction(testRuntime(lake.objects, 'eu-west-1')), EKS_EVENT);

    // Assess
    const row = await record('EKS', 'crash between the two objects of a batch', lake, {
      attempts: invocation.attempts,
      deadLettered: 0,
      duplicatesReported: invocation.summary?.duplicates ?? -1,
    });
    expect(row).toMatchObject({ attempts: 2, storedRows: 6, duplicatesReported: 3 });
  });

  it('replays a batch that crashed midway and then failed for good from its SQS message body with `kaudit ingest`, writing only what was missing', async () => {
    // Prepare
    lake = await faultyLake(FAULTS.fromPut(2));
    const body = path.join(lake.root, 'failed-batch.json');

    // Act
    const invocation = await invokeAsync(eksFunction(testRuntime(lake.objects, 'eu-west-1')), EKS_EVENT);
    await writeFile(body, JSON.stringify(invocation.destinationRecord));
    const replayed = await replayFile(lake, body);

    // Assess
    const row = await record('EKS', 'crash midway, then down for good → `kaudit ingest` of the SQS body', lake, {
      attempts: invocation.attempts,
      deadLettered: EVENTS.length,
      duplicatesReported: replayed.duplicates,
    });
    expect(row).toMatchObject({ attempts: 3, storedRows: 6, duplicatesReported: 3 });
    expect(replayed.written).toBe(3);
  });

  it('stores a batch delivered twice once', async () => {
    // Prepare
    lake = await faultyLake(FAULTS.none());
    const handler = eksFunction(testRuntime(lake.objects, 'eu-west-1'));

    // Act
    const first = await invokeAsync(handler, EKS_EVENT);
    const again = await invokeAsync(handler, EKS_EVENT);

    // Assess
    const duplicatesReported = (first.summary?.duplicates ?? -1) + (again.summary?.duplicates ?? -1);
    const row = await record('EKS', 'same batch delivered twice', lake, { attempts: first.attempts + again.attempts, deadLettered: 0, duplicatesReported });
    expect(row).toMatchObject({ attempts: 2, storedRows: 6, duplicatesReported: 6 });
  });
});

describe('AKS: diagnostic settings → Event Hubs → Azure Function (exponential backoff, 8 retries, then dead letter)', () => {
  let lake: Lake;
  let deadLetter: Awaited<ReturnType<typeof temporaryFileStore>>;
  beforeEach(async () => {
    deadLetter = await temporaryFileStore();
  });
  afterEach(async () => {
    await lake.cleanup();
    await deadLetter.cleanup();
  });

  /** Delivers batches one after another, as one partition's consumer does, through one function instance. */
  async function deliver(plan: FaultPlan, batches: { bodies: string[]; firstSequence: number }[]): Promise<TriggerDelivery[]> {
    lake = await faultyLake(plan);
    const handler = aksFunction(testRuntime(lake.objects, 'westeurope'), new FileObjectStore(deadLetter.url));
    const deliveries: TriggerDelivery[] = [];
    for (const batch of batches) {
      deliveries.push(await deliverWithRetryPolicy(handler, batch.bodies, triggerMetadataFor(batch.bodies, batch.firstSequence)));
    }
    return deliveries;
  }

  /** Replays every dead-letter file with `kaudit ingest`, as an operator would after the outage. */
  async function replayDeadLetters(): Promise<{ files: number; written: number; duplicates: number }> {
    const keys = await storedKeys(deadLetter.url, 'deadletter/v1/');
    const totals = { files: keys.length, written: 0, duplicates: 0 };
    for (const key of keys) {
      const replayed = await replayFile(lake, path.join(deadLetter.root, key));
      totals.written += replayed.written;
      totals.duplicates += replayed.duplicates;
    }
    return totals;
  }

  /** The DeadLettered metric of each invocation, from its structured metrics line. */
  function deadLetteredOf(deliveries: TriggerDelivery[]): number {
    return deliveries
      .flatMap((delivery) => delivery.logs)
      .map((line) => JSON.parse(line.message) as { message: string; metrics?: Record<string, number> })
      .filter((line) => line.message === 'kaudit invocation metrics')
      .reduce((total, line) => total + (line.metrics?.DeadLettered ?? 0), 0);
  }

  const attemptsOf = (deliveries: TriggerDelivery[]) => deliveries.reduce((total, delivery) => total + delivery.attempts, 0);
  const duplicatesOf = (deliveries: TriggerDelivery[]) => deliveries.reduce((total, delivery) => total + (delivery.summary?.duplicates ?? 0), 0);

  it('stores every event once when the store fails twice and then recovers', async () => {
    // Act
    const deliveries = await deliver(FAULTS.firstPuts(2), [{ bodies: KUBE_AUDIT, firstSequence: 100 }]);

    // Assess
    const row = await record('AKS', 'store fails 2×, then recovers', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries),
    });
    expect(row).toMatchObject({ attempts: 3, deadLettered: 0, storedRows: 6, duplicatesReported: 0 });
  });

  it('dead-letters the batch on the last retry while the store is down, and `kaudit ingest` of the dead letter stores it', async () => {
    // Act
    const deliveries = await deliver(FAULTS.always(), [{ bodies: KUBE_AUDIT, firstSequence: 100 }]);
    const replayed = await replayDeadLetters();

    // Assess
    expect(deliveries.map((delivery) => delivery.threw)).toEqual([false]);
    expect(replayed).toEqual({ files: 1, written: 6, duplicates: 0 });
    const row = await record('AKS', 'store down for good → dead letter → `kaudit ingest`', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: replayed.duplicates,
    });
    expect(row).toMatchObject({ attempts: 9, deadLettered: 6, storedRows: 6 });
  });

  it('completes a batch whose first object was stored before a crash, without a second copy of it', async () => {
    // Act
    const deliveries = await deliver(FAULTS.onlyPut(2), [{ bodies: KUBE_AUDIT, firstSequence: 100 }]);

    // Assess
    const row = await record('AKS', 'crash between the two objects of a batch', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries),
    });
    expect(row).toMatchObject({ attempts: 2, deadLettered: 0, storedRows: 6, duplicatesReported: 3 });
  });

  it('replays a batch that crashed midway and then failed for good under its own batch key, writing only what was missing', async () => {
    // Act
    const deliveries = await deliver(FAULTS.fromPut(2), [{ bodies: KUBE_AUDIT, firstSequence: 100 }]);
    const replayed = await replayDeadLetters();

    // Assess
    expect(replayed).toEqual({ files: 1, written: 3, duplicates: 3 });
    const row = await record('AKS', 'crash midway, then down for good → dead letter → `kaudit ingest`', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: replayed.duplicates,
    });
    expect(row).toMatchObject({ attempts: 9, deadLettered: 6, storedRows: 6 });
  });

  it('stores a batch delivered twice once', async () => {
    // Act
    const deliveries = await deliver(FAULTS.none(), [
      { bodies: KUBE_AUDIT, firstSequence: 100 },
      { bodies: KUBE_AUDIT, firstSequence: 100 },
    ]);

    // Assess
    const row = await record('AKS', 'same batch delivered twice', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries),
    });
    expect(row).toMatchObject({ attempts: 2, storedRows: 6, duplicatesReported: 6 });
  });

  it('keeps one event per request when kube-audit and kube-audit-admin both deliver it, in separate batches', async () => {
    // Act
    const deliveries = await deliver(FAULTS.none(), [
      { bodies: KUBE_AUDIT, firstSequence: 100 },
      { bodies: KUBE_AUDIT_ADMIN, firstSequence: 102 },
    ]);

    // Assess: each batch stores its copy; the events view keeps one per event_id.
    const row = await record('AKS', 'kube-audit + kube-audit-admin, separate batches', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries),
    });
    expect(row).toMatchObject({ attempts: 2, storedRows: 9, duplicatesReported: 0 });
  });

  it('keeps one event per request when kube-audit and kube-audit-admin deliver it in one batch', async () => {
    // Act
    const deliveries = await deliver(FAULTS.none(), [{ bodies: [...KUBE_AUDIT, ...KUBE_AUDIT_ADMIN], firstSequence: 100 }]);

    // Assess: the batch drops its own duplicates before storing.
    const row = await record('AKS', 'kube-audit + kube-audit-admin, one batch', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries),
    });
    expect(row).toMatchObject({ attempts: 1, storedRows: 6, duplicatesReported: 3 });
  });

  it('keeps one event per request when the kube-audit-admin batch is dead-lettered during an outage and replayed', async () => {
    // Act
    const deliveries = await deliver(FAULTS.fromPut(3), [
      { bodies: KUBE_AUDIT, firstSequence: 100 },
      { bodies: KUBE_AUDIT_ADMIN, firstSequence: 102 },
    ]);
    const replayed = await replayDeadLetters();

    // Assess
    expect(replayed).toEqual({ files: 1, written: 3, duplicates: 0 });
    const row = await record('AKS', 'kube-audit + kube-audit-admin, the second dead-lettered → `kaudit ingest`', lake, {
      attempts: attemptsOf(deliveries),
      deadLettered: deadLetteredOf(deliveries),
      duplicatesReported: duplicatesOf(deliveries) + replayed.duplicates,
    });
    expect(row).toMatchObject({ attempts: 10, deadLettered: 3, storedRows: 9 });
  });
});
