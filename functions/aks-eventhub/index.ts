import { app, trigger, type InvocationContext } from '@azure/functions';
import { ingestEventHubBatch, type EventHubTriggerMetadata } from '../../shared/runtime/aks-eventhub.ts';
import { runtimeFromEnv, type FunctionRuntime } from '../../shared/runtime/function-runtime.ts';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import type { IngestSummary } from '../../shared/pipeline/ingest-summary.ts';

let runtime: Promise<FunctionRuntime> | undefined;

/** Event Hubs (AKS diagnostic settings) → kaudit. Throws only when the store fails. */
export async function aksEventHubHandler(messages: unknown[], context: InvocationContext): Promise<IngestSummary> {
  runtime ??= runtimeFromEnv(process.env, SETTINGS.region);
  const summary = await ingestEventHubBatch(messages, context.triggerMetadata as EventHubTriggerMetadata, await runtime);
  context.info(JSON.stringify({ message: 'kaudit batch ingested', summary, invocationId: context.invocationId }));
  return summary;
}

const hub = {
  connection: SETTINGS.eventHubConnection,
  eventHubName: `%${SETTINGS.eventHubName}%`,
  consumerGroup: `%${SETTINGS.eventHubConsumerGroup}%`,
  cardinality: 'many',
} as const;

app.eventHub('kaudit-aks-audit', {
  ...hub,
  // Bodies arrive as text and are parsed by kaudit, so one non-JSON message can't fail the binding.
  trigger: { ...trigger.eventHub(hub), dataType: 'string' },
  // Without a retry policy the trigger checkpoints past a failed batch; this holds it instead.
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 8, minimumInterval: { seconds: 5 }, maximumInterval: { minutes: 5 } },
  handler: aksEventHubHandler,
});
