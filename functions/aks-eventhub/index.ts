import { app, trigger } from '@azure/functions';
import { SETTINGS } from '../../shared/runtime/settings.ts';
import { aksRuntimeFromEnv, createAksHandler } from './create-handler.ts';

/** Event Hubs (AKS diagnostic settings) → kaudit; see ./create-handler.ts for what happens on failure. */
export const aksEventHubHandler = createAksHandler(() => aksRuntimeFromEnv(process.env));

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
  // Without a retry policy the trigger checkpoints past a failed batch; this holds it instead, and
  // the handler dead-letters what is still not stored on the last of these attempts.
  retry: { strategy: 'exponentialBackoff', maxRetryCount: 8, minimumInterval: { seconds: 5 }, maximumInterval: { minutes: 5 } },
  handler: aksEventHubHandler,
});
