/**
 * Builds the sample payloads in samples/ from the readable sources in samples/src/:
 * the CloudWatch Logs subscription events an EKS cluster's audit stream delivers to Lambda,
 * and the Event Hubs batch AKS diagnostic settings deliver to the Azure Function.
 * Run: npm run samples:build (test/schema/samples.test.ts checks the built files match their sources).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AuditEvent, aksRecord, cloudWatchPayload, cloudWatchSubscriptionEvent, eventHubBody } from '../test/helpers/audit-events.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');

interface TruncatedSample {
  cutAt: number;
  category?: string;
  padRequestObjectTo?: number;
  event: AuditEvent;
}

interface EksSource {
  cluster: string;
  account: string;
  logStream: string;
  events: AuditEvent[];
  truncated: TruncatedSample[];
  otherStreams: { logStream: string; message: string }[];
}

interface AksSource {
  resourceId: string;
  events: ({ category: string; event: AuditEvent } | { category: string; sameAs: number })[];
  truncated: TruncatedSample[];
  otherCategories: { category: string; log: string }[];
}

/** An event's JSON cut at `cutAt` characters, as the platform's size limit leaves it. */
function cutEvent(sample: TruncatedSample): string {
  const event = structuredClone(sample.event);
  if (sample.padRequestObjectTo) {
    // A large object is what gets cut: grow the request body to a realistic size.
    const spec = (event.requestObject as { spec: { description: string } }).spec;
    spec.description = 'ApplicationSet is a set of Application resources. '.repeat(Math.ceil(sample.padRequestObjectTo / 50));
  }
  return JSON.stringify(event).slice(0, sample.cutAt);
}

function epochMs(event: AuditEvent): number {
  return Date.parse(String(event.stageTimestamp));
}

export function buildEksSamples(source: EksSource): Record<string, unknown> {
  const messages = [
    ...source.events.map((event) => ({ timestamp: epochMs(event), message: JSON.stringify(event) })),
    ...source.truncated.map((sample) => ({ timestamp: epochMs(sample.event), message: `${cutEvent(sample)}[Truncated...]` })),
  ].map((logEvent, index) => ({ ...logEvent, id: `${38_421_556_780_000_000_000n + BigInt(index)}0000000000000000000000000000` }));
  const audit = cloudWatchSubscriptionEvent(cloudWatchPayload({ clusterName: source.cluster, owner: source.account, logStream: source.logStream, events: messages }));
  const other = source.otherStreams.map((stream) =>
    cloudWatchSubscriptionEvent(
      cloudWatchPayload({ clusterName: source.cluster, owner: source.account, logStream: stream.logStream, events: [{ message: stream.message, timestamp: 1_795_684_442_000 }] }),
    ),
  );
  return { 'eks-cloudwatch-subscription-event.json': audit, 'eks-cloudwatch-authenticator-event.json': other[0] };
}

export function buildAksSamples(source: AksSource): Record<string, unknown> {
  const [, subscription, resourceGroup, cluster] = /SUBSCRIPTIONS\/([^/]+)\/RESOURCEGROUPS\/([^/]+)\/.*MANAGEDCLUSTERS\/([^/]+)$/.exec(source.resourceId) ?? [];
  const where = { subscription, resourceGroup, cluster };
  const events = source.events.map((entry) => {
    const event = 'event' in entry ? entry.event : (source.events[entry.sameAs] as { event: AuditEvent }).event;
    return aksRecord(event, { ...where, category: entry.category, time: String(event.stageTimestamp) });
  });
  const truncated = source.truncated.map((sample) => aksRecord(cutEvent(sample), { ...where, category: sample.category, time: String(sample.event.stageTimestamp) }));
  const other = source.otherCategories.map((entry) => aksRecord(entry.log, { ...where, category: entry.category }));
  // Two messages, as one trigger invocation receives them.
  const firstHalf = events.slice(0, 4);
  return { 'aks-eventhub-batch.json': [eventHubBody(firstHalf), eventHubBody([...events.slice(4), ...truncated, ...other])] };
}

export function buildSamples(): Record<string, unknown> {
  const read = (name: string) => JSON.parse(readFileSync(path.join(SAMPLES, 'src', name), 'utf8'));
  return { ...buildEksSamples(read('eks-prod-eu.events.json') as EksSource), ...buildAksSamples(read('aks-weu-prod.events.json') as AksSource) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, content] of Object.entries(buildSamples())) {
    writeFileSync(path.join(SAMPLES, name), `${JSON.stringify(content, null, 2)}\n`);
    console.log(`samples/${name}`);
  }
}
