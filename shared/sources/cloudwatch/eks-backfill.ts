import { type CloudWatchLogsClient, DescribeLogGroupsCommand, type FilteredLogEvent, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { addSummary, emptySummary, type IngestSummary } from '../../core/ingest-summary.ts';
import type { Limits } from '../../core/limits.ts';
import { type RetryPolicy, withThrottlingRetry } from '../../core/retry.ts';
import { ingestBatch, type PipelineOptions } from '../../pipeline/ingest-batch.ts';
import { advanceWatermark, type CheckpointFile, isBehind, type Watermark, type WatermarkedEvent } from '../../runtime/checkpoint.ts';
import type { Progress } from '../../runtime/progress.ts';
import type { EventStore } from '../../store/event-store.ts';
import { decodeCloudWatchPayload, EKS_AUDIT_STREAM_PREFIX } from './cloudwatch-payload.ts';

export interface EksBackfillRequest {
  cluster: string;
  region: string;
  /** Inclusive. */
  since: Date;
  /** Exclusive. */
  until: Date;
  /** The cluster's AWS account; when null it is read from the log group's ARN. */
  account: string | null;
}

export interface EksBackfillDeps {
  client: CloudWatchLogsClient;
  store: EventStore;
  pipeline: PipelineOptions;
  limits: Limits;
  checkpoint: CheckpointFile | null;
  progress: Progress;
  retry: RetryPolicy;
  now: () => Date;
}

/** A backfill that cannot start: wrong cluster, region or checkpoint. */
export class BackfillSetupError extends Error {
  override name = 'BackfillSetupError';
}

/**
 * Reads an EKS cluster's audit log streams from CloudWatch Logs (`FilterLogEvents`, page by page)
 * and stores their events through the pipeline, as `cloudwatch_api`. Each page is stored as one
 * batch per log stream, keyed like a subscription batch (group, stream, first and last event id),
 * and the checkpoint moves past it only once it is stored. Ids equal the subscription path's: the
 * cluster id uses the same account (the log group owner) and region.
 */
export async function backfillEks(request: EksBackfillRequest, deps: EksBackfillDeps): Promise<IngestSummary> {
  const logGroup = `/aws/eks/${request.cluster}/cluster`;
  const account = request.account ?? (await logGroupAccount(logGroup, request.region, deps));
  let watermark = await resumeWatermark(logGroup, request.region, deps.checkpoint);
  const startTime = Math.max(request.since.getTime(), watermark?.timestamp ?? 0);
  const endTime = request.until.getTime() - 1;
  const summary = emptySummary();
  const context = { region: request.region, ingestTime: deps.now().toISOString(), limits: deps.limits, sourceType: 'cloudwatch_api' as const };
  let nextToken: string | undefined;
  let pages = 0;
  // A checkpoint already past --until: FilterLogEvents would refuse a start after the end.
  if (startTime > endTime) {
    deps.progress.done(status(watermark, summary, pages));
    return summary;
  }
  do {
    const input = { logGroupName: logGroup, logStreamNamePrefix: EKS_AUDIT_STREAM_PREFIX, startTime, endTime, nextToken };
    const page = await withThrottlingRetry(() => deps.client.send(new FilterLogEventsCommand(input)), deps.retry).catch((error: Error) => {
      throw new Error(`FilterLogEvents on ${logGroup} in ${request.region} failed after page ${pages}: ${error.name}: ${error.message}`, { cause: error });
    });
    pages++;
    const events = page.events ?? [];
    const fresh = events.filter((event) => {
      const place = placed(event);
      return place === null || !isBehind(watermark, place);
    });
    for (const [logStream, streamEvents] of byStream(fresh)) {
      // The payload a subscription would have delivered for these events, so they decode the same way.
      const logEvents = streamEvents.map(({ eventId, timestamp, message }) => ({ id: eventId, timestamp, message }));
      const payload = { messageType: 'DATA_MESSAGE', owner: account, logGroup, logStream, logEvents };
      addSummary(summary, await ingestBatch(decodeCloudWatchPayload(payload, context), deps.store, deps.pipeline));
    }
    watermark = advanceWatermark(
      watermark,
      events.map(placed).filter((place) => place !== null),
    );
    await deps.checkpoint?.write({ kind: 'kaudit-backfill-eks/1', logGroup, region: request.region, watermark, updatedAt: deps.now().toISOString() });
    nextToken = page.nextToken;
    deps.progress.update(fractionDone(request, watermark), status(watermark, summary, pages));
  } while (nextToken);
  deps.progress.done(status(watermark, summary, pages));
  return summary;
}

/** Where an event stands for the watermark; FilterLogEvents always sets both fields, though the SDK types them optional. */
function placed(event: FilteredLogEvent): WatermarkedEvent | null {
  return typeof event.timestamp === 'number' && typeof event.eventId === 'string' ? { timestamp: event.timestamp, eventId: event.eventId } : null;
}

function byStream(events: readonly FilteredLogEvent[]): Map<string, FilteredLogEvent[]> {
  const streams = new Map<string, FilteredLogEvent[]>();
  for (const event of events) {
    const name = event.logStreamName ?? '';
    const list = streams.get(name);
    if (list) list.push(event);
    else streams.set(name, [event]);
  }
  return streams;
}

/**
 * The account that owns the log group, from its ARN: what a subscription delivers as `owner`,
 * and so what makes the cluster id, and every event id, the same on both paths.
 */
async function logGroupAccount(logGroup: string, region: string, deps: EksBackfillDeps): Promise<string> {
  const found = await withThrottlingRetry(() => deps.client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroup })), deps.retry);
  const group = found.logGroups?.find((candidate) => candidate.logGroupName === logGroup);
  if (!group) {
    throw new BackfillSetupError(
      `log group ${logGroup} not found in ${region}: is the cluster's control-plane audit logging enabled (eksctl utils update-cluster-logging --enable-types audit)?`,
    );
  }
  const account = (group.logGroupArn ?? group.arn ?? '').split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new BackfillSetupError(`log group ${logGroup}: no account id in its ARN ${JSON.stringify(group.arn)}; pass --account`);
  return account;
}

async function resumeWatermark(logGroup: string, region: string, checkpoint: CheckpointFile | null): Promise<Watermark | null> {
  const saved = await checkpoint?.read();
  if (!saved) return null;
  if (saved.logGroup !== logGroup || saved.region !== region) {
    throw new BackfillSetupError(`${checkpoint?.path}: the checkpoint is for ${saved.logGroup} in ${saved.region}, not ${logGroup} in ${region}`);
  }
  return saved.watermark;
}

function fractionDone(request: EksBackfillRequest, watermark: Watermark | null): number | null {
  const span = request.until.getTime() - request.since.getTime();
  return watermark === null || span <= 0 ? null : (watermark.timestamp - request.since.getTime()) / span;
}

function status(watermark: Watermark | null, summary: IngestSummary, pages: number): string {
  const at = watermark === null ? 'no events yet' : `at ${new Date(watermark.timestamp).toISOString()}`;
  return `${at}, ${summary.received} events, ${pages} page${pages === 1 ? '' : 's'}`;
}
