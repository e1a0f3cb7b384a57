/**
 * A lake for the dashboard's benchmark and screenshots: events of the benchmark's audit mix,
 * spread evenly over a number of days, from several clusters, users and addresses, with the
 * refusals, misses and server errors a real cluster answers.
 */

import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { canonicalOf, sourceRecord } from '../../test/helpers/audit-events.ts';
import { nextAuditEvent } from './audit-mix.ts';
import { Sequence } from './sequence.ts';

const BATCH = 5_000;
const CLUSTERS = ['prod-eu', 'prod-us', 'staging', 'ci'];
const USERS = [
  'system:serviceaccount:default:demo',
  'alice@example.com',
  'bob@example.com',
  'system:kube-controller-manager',
  'system:node:ip-10-0-1-5',
  'deploy-bot',
  'carol@example.com',
];
/** Response codes and their weights, where an event is not the mix's own success. */
const CODES: [number, number][] = [
  [403, 6],
  [404, 3],
  [409, 1],
  [422, 1],
  [500, 0.5],
  [503, 0.5],
];
const FAILURE_SHARE = 0.12;

/** Writes `events` events ending at `end`, over `days` days, into the file store at `root`. */
export async function writeDashboardLake(root: string, events: number, days: number, end: Date, progress: (done: number) => void): Promise<void> {
  const store = new LakeEventStore(new FileObjectStore(`file://${root}`));
  const seq = new Sequence(17);
  const span = days * 86_400_000;
  const start = end.getTime() - span;
  for (let first = 0; first < events; first += BATCH) {
    const batch = [];
    for (let index = first; index < Math.min(first + BATCH, events); index++) {
      const time = new Date(start + Math.floor((index / events) * span)).toISOString();
      const event = nextAuditEvent(seq, 'eks');
      const failed = seq.next() < FAILURE_SHARE;
      batch.push(
        canonicalOf(
          sourceRecord(
            {
              ...event,
              auditID: seq.uuid(),
              requestReceivedTimestamp: time,
              stageTimestamp: time,
              user: { username: seq.pick(USERS), groups: ['system:authenticated'] },
              sourceIPs: [`10.0.${seq.int(0, 3)}.${seq.int(1, 40)}`],
              ...(failed ? { responseStatus: { metadata: {}, code: weighted(seq, CODES) } } : {}),
            },
            { cluster_name: seq.pick(CLUSTERS) },
          ),
        ),
      );
    }
    await store.writeEvents(`file-dashboard-bench-${first}`, batch);
    progress(Math.min(first + BATCH, events));
  }
}

function weighted(seq: Sequence, choices: readonly [number, number][]): number {
  let roll = seq.next() * choices.reduce((total, [, weight]) => total + weight, 0);
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (choices.at(-1) as [number, number])[0];
}
