import { limitsOf } from '../config/config-views.ts';
import type { KauditConfig } from '../config/settings-schema.ts';
import type { Limits } from '../core/limits.ts';
import { SETTINGS } from '../core/settings.ts';
import type { PipelineOptions } from '../pipeline/ingest-batch.ts';
import { buildPipelineOptions, type PipelineConfig, pipelineConfigOf } from '../pipeline/pipeline-options.ts';
import type { EventStore } from '../store/event-store.ts';
import { openEventStore } from '../store/open-store.ts';
import { findingAlertsOf } from './finding-alerts.ts';

/** What a cloud function needs besides its input, built once per cold start. */
export interface FunctionRuntime {
  store: EventStore;
  limits: Limits;
  pipeline: PipelineOptions;
  region: string | null;
  now: () => Date;
}

/**
 * The runtime of a function from its configuration (its app settings, read once) and the region it
 * records; a missing or malformed setting fails the cold start, loudly. A rule that throws is told
 * to `onRuleFailure` (default: a JSON line on stderr).
 */
export async function functionRuntime(config: KauditConfig, region: string | null, onRuleFailure?: PipelineConfig['onRuleFailure']): Promise<FunctionRuntime> {
  if (!config.storeUrl) throw new Error(`${SETTINGS.storeUrl} is not set: the function has nowhere to store events`);
  return {
    store: await openEventStore(config.storeUrl, config),
    limits: limitsOf(config),
    pipeline: { ...(await buildPipelineOptions({ ...pipelineConfigOf(config), onRuleFailure })), onFindingsStored: findingAlertsOf(config) },
    region,
    now: () => new Date(),
  };
}
