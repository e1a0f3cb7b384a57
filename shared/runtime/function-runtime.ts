import { type Limits, limitsFromEnv } from '../core/limits.ts';
import { SETTINGS } from '../core/settings.ts';
import type { PipelineOptions } from '../pipeline/ingest-batch.ts';
import { buildPipelineOptions, pipelineConfigFromEnv } from '../pipeline/pipeline-options.ts';
import type { EventStore } from '../store/event-store.ts';
import { openEventStore } from '../store/open-store.ts';
import { findingAlertsFromEnv } from './finding-alerts.ts';

/** What a cloud function needs besides its input, built once per cold start. */
export interface FunctionRuntime {
  store: EventStore;
  limits: Limits;
  pipeline: PipelineOptions;
  region: string | null;
  now: () => Date;
}

/** The runtime from app settings; a missing or malformed setting fails the cold start, loudly. */
export async function runtimeFromEnv(env: NodeJS.ProcessEnv, regionSetting: string): Promise<FunctionRuntime> {
  const storeUrl = env[SETTINGS.storeUrl];
  if (!storeUrl) throw new Error(`${SETTINGS.storeUrl} is not set: the function has nowhere to store events`);
  return {
    store: await openEventStore(storeUrl, env),
    limits: limitsFromEnv(env),
    pipeline: { ...(await buildPipelineOptions(pipelineConfigFromEnv(env))), onFindingsStored: findingAlertsFromEnv(env) },
    region: env[regionSetting] || null,
    now: () => new Date(),
  };
}
