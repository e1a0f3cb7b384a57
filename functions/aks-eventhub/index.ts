import { app, trigger } from '@azure/functions';
import { configFromEnv } from '../../shared/config/read-config.ts';
import { SETTINGS } from '../../shared/core/settings.ts';
import { aksRuntime, createAksHandler, EVENT_HUB_RETRY } from './create-handler.ts';

/** Event Hubs (AKS diagnostic settings) → kaudit; see ./create-handler.ts for what happens on failure. */
const aksEventHubHandler = createAksHandler(async () => aksRuntime(configFromEnv(process.env)));

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
  retry: EVENT_HUB_RETRY,
  handler: aksEventHubHandler,
});
