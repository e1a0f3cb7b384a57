/**
 * A generated lake for the query benchmark: EKS events of the benchmark's audit mix, spread over
 * days, in batches of the size a CloudWatch subscription delivers, stored as kaudit stores them.
 */
import { LakeEventStore } from '../../shared/store/event-store.ts';
import { FileObjectStore } from '../../shared/store/file-object-store.ts';
import { canonicalOf, sourceRecord } from '../../test/helpers/audit-events.ts';
import { nextAuditEvent } from './audit-mix.ts';
import { Sequence } from './sequence.ts';

const DAY_MS = 86_400_000;
const EKS_PROVENANCE = {
  platform: 'eks',
  cloud_provider: 'aws',
  cloud_account_id: '111122223333',
  cloud_region: 'eu-west-1',
  cluster_name: 'prod',
  cluster_id: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
  source_type: 'cloudwatch_subscription',
} as const;

export interface GeneratedLake {
  events: number;
  batches: number;
  /** An audit id the lake holds, for the point lookup. */
  someAuditId: string;
  firstDay: string;
}

/** Writes `events` events over `days` days from `start` into the file store at `root`, in batches of `batchSize`. */
export async function generateLake(
  root: string,
  options: { events: number; days: number; batchSize: number; start: Date; onProgress?: (written: number) => void },
): Promise<GeneratedLake> {
  const store = new LakeEventStore(new FileObjectStore(`file://${root}`));
  const batches = Math.ceil(options.events / options.batchSize);
  let written = 0;
  let someAuditId = '';
  for (let batch = 0; batch < batches; batch++) {
    const at = new Date(options.start.getTime() + Math.floor((batch / batches) * options.days * DAY_MS));
    const seq = new Sequence(batch + 1, at.toISOString());
    const size = Math.min(options.batchSize, options.events - written);
    const ingestTime = new Date(at.getTime() + 60_000).toISOString();
    const events = Array.from({ length: size }, (_, index) =>
      canonicalOf(
        sourceRecord(nextAuditEvent(seq, 'eks'), {
          ...EKS_PROVENANCE,
          source_stream: `/aws/eks/prod/cluster/kube-apiserver-audit-${batch % 4}`,
          source_record_index: index,
          ingest_time: ingestTime,
        }),
      ),
    );
    if (batch === Math.floor(batches / 2)) someAuditId = events[0]?.audit_id ?? '';
    await store.writeEvents(`bench-${batch}`, events);
    written += size;
    options.onProgress?.(written);
  }
  return { events: written, batches, someAuditId, firstDay: options.start.toISOString().slice(0, 10) };
}
